import XCTest
@testable import NERKit

final class NERErrorTests: XCTestCase {
    func testDescriptionNamesFileAndLine() {
        XCTAssertEqual(NERError(path: "a.txt", line: 3, "bad tag 'X'").description, "a.txt:3: bad tag 'X'")
        XCTAssertEqual(NERError(path: "a.txt", "missing").description, "a.txt: missing")
        XCTAssertEqual(NERError("plain").description, "plain")
    }
}
