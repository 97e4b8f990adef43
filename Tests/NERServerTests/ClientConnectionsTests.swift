import XCTest

@testable import NERServer

/// The per-client connection count behind `--max-connections-per-client`: a refused connection
/// is not counted, so it never holds a slot of its address.
final class ClientConnectionsTests: XCTestCase {
    func testRefusedConnectionsAreNotCountedAndEachCloseFreesOneSlot() {
        let clients = ClientConnections(limit: 2)
        XCTAssertTrue(clients.admit(address: "10.0.0.1"))
        XCTAssertTrue(clients.admit(address: "10.0.0.1"))
        // Beyond the limit, however many times: refused, and the count stays at the limit.
        for _ in 0..<5 { XCTAssertFalse(clients.admit(address: "10.0.0.1")) }
        XCTAssertEqual(clients.count(address: "10.0.0.1"), 2)
        // Another address has slots of its own.
        XCTAssertTrue(clients.admit(address: "10.0.0.2"))
        XCTAssertEqual(clients.count(address: "10.0.0.2"), 1)
        // One admitted connection closes: exactly one more is admitted (the refused ones, still
        // open on their clients' side, do not take it).
        clients.release(address: "10.0.0.1")
        XCTAssertEqual(clients.count(address: "10.0.0.1"), 1)
        XCTAssertTrue(clients.admit(address: "10.0.0.1"))
        XCTAssertFalse(clients.admit(address: "10.0.0.1"))
        // All closed: nothing is left counted.
        for _ in 0..<2 { clients.release(address: "10.0.0.1") }
        clients.release(address: "10.0.0.2")
        XCTAssertEqual(clients.count(address: "10.0.0.1"), 0)
        XCTAssertEqual(clients.count(address: "10.0.0.2"), 0)
    }
}
