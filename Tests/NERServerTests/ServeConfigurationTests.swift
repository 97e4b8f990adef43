import NERKit
import XCTest

@testable import NERServer

/// `ServeConfiguration.validate()` refuses every setting out of its range with a
/// `ConfigurationError` that names the setting by its property name, never by a command-line
/// flag (`ner serve` renames them; nerTests' ServeNetworkTests check its messages).
final class ServeConfigurationTests: XCTestCase {
    func testTheDefaultsAndTheEdgesOfEveryRangeAreValid() {
        XCTAssertNoThrow(try ServeConfiguration(modelPath: "m.ner").validate())
        var c = ServeConfiguration(modelPath: "m.ner")
        c.port = 0
        c.batchWaitSeconds = 1
        c.requestTimeoutSeconds = 86400
        c.headerTimeoutSeconds = 3600
        c.bodyTimeoutSeconds = 0.001
        c.maxHeaderBytes = 256
        c.apiKeysPath = "keys.txt"
        c.tlsCertificatePath = "tls.crt"
        c.tlsKeyPath = "tls.key"
        c.logLevel = "critical"
        XCTAssertNoThrow(try c.validate(), "every setting at a legal value")
    }

    func testEachInvalidSettingIsRefusedByName() {
        let cases: [(String, (inout ServeConfiguration) -> Void, String)] = [
            ("port", { $0.port = 65536 }, "port must be between 0 and 65535 (got 65536)"),
            ("body", { $0.maxBodyBytes = 0 }, "maxBodyBytes must be positive (got 0)"),
            ("batch", { $0.batchTokens = -1 }, "batchTokens must be positive (got -1)"),
            ("wait", { $0.batchWaitSeconds = 1.5 }, "batchWaitSeconds must be between 0 and 1 second (got 1.5 s)"),
            ("wait negative", { $0.batchWaitSeconds = -0.001 }, "batchWaitSeconds must be between 0 and 1 second (got -0.001 s)"),
            ("queue", { $0.maxQueue = 0 }, "maxQueue must be positive (got 0)"),
            ("timeout", { $0.requestTimeoutSeconds = 0 }, "requestTimeoutSeconds must be more than 0 and at most 86400 seconds (got 0.0 s)"),
            ("timeout infinite", { $0.requestTimeoutSeconds = .infinity },
             "requestTimeoutSeconds must be more than 0 and at most 86400 seconds (got inf s)"),
            ("connections", { $0.maxConnections = 0 }, "maxConnections must be positive (got 0)"),
            ("idle", { $0.idleTimeoutSeconds = .nan }, "idleTimeoutSeconds must be more than 0 and at most 86400 seconds (got nan s)"),
            ("head", { $0.headerTimeoutSeconds = 3601 }, "headerTimeoutSeconds must be more than 0 and at most 3600 seconds (got 3601.0 s)"),
            ("body time", { $0.bodyTimeoutSeconds = -1 }, "bodyTimeoutSeconds must be more than 0 and at most 3600 seconds (got -1.0 s)"),
            ("per client", { $0.maxConnectionsPerClient = 0 }, "maxConnectionsPerClient must be positive (got 0)"),
            ("head bytes", { $0.maxHeaderBytes = 255 }, "maxHeaderBytes must be at least 256 (got 255)"),
            ("head count", { $0.maxHeaderCount = 0 }, "maxHeaderCount must be positive (got 0)"),
            ("keys", { $0.apiKeysPath = "" }, "apiKeysPath must name a file (it is empty)"),
            ("certificate alone", { $0.tlsCertificatePath = "tls.crt" },
             "tlsCertificatePath needs tlsKeyPath: the certificate and its key go together"),
            ("key alone", { $0.tlsKeyPath = "tls.key" }, "tlsKeyPath needs tlsCertificatePath: the certificate and its key go together"),
            ("log level", { $0.logLevel = "loud" },
             "logLevel must be one of trace, debug, info, notice, warning, error, critical (got 'loud')"),
        ]
        for (name, change, message) in cases {
            var c = ServeConfiguration(modelPath: "m.ner")
            change(&c)
            XCTAssertThrowsError(try c.validate(), name) { error in
                let refusal = error as? ConfigurationError
                XCTAssertEqual(refusal?.description, message, name)
                XCTAssertEqual(refusal?.settings.first, message.split(separator: " ").first.map(String.init), name)
                XCTAssertFalse("\(error)".contains("--"), "\(name): a library message names no flag")
            }
        }
    }
}
