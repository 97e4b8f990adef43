import NERCommandSupport
import NERKit
import XCTest

/// `JSONObjectLine.elements`: the top-level elements of an array member, whatever they hold.
final class JSONObjectLineElementsTests: XCTestCase {
    private func line(_ text: String) throws -> JSONObjectLine { try JSONObjectLine(Array(text.utf8)) }

    func testElementsOfAnArrayMember() throws {
        let object = try line(#"{"texts": [ "a, b", "say \"]\" here" ,"\u00e9\\", 12, -1.5e3, [1, [2, "]"]], {"k": "v,"}, true, null ], "n": 1}"#)
        let member = try XCTUnwrap(object.members(named: "texts").first)
        let elements = try XCTUnwrap(object.elements(member))
        XCTAssertEqual(elements.map(\.kind), ["a string", "a string", "a string", "a number", "a number", "an array",
                                              "an object", "a boolean", "null"])
        XCTAssertEqual(elements.prefix(3).map { object.string($0) }, ["a, b", "say \"]\" here", "é\\"])
        XCTAssertEqual(elements.map { object.text($0.valueRange) },
                       [#""a, b""#, #""say \"]\" here""#, #""\u00e9\\""#, "12", "-1.5e3", #"[1, [2, "]"]]"#,
                        #"{"k": "v,"}"#, "true", "null"])
        XCTAssertNil(object.elements(try XCTUnwrap(object.members(named: "n").first)), "not an array")
    }

    func testEmptyArrays() throws {
        for text in [#"{"a": []}"#, #"{"a": [  ]}"#, "{\"a\": [\n]}"] {
            let object = try line(text)
            XCTAssertEqual(object.elements(try XCTUnwrap(object.members.first))?.count, 0, text)
        }
    }
}
