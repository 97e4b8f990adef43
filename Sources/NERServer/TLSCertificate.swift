#if TLS
import NERKit
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The TLS side of `--tls-cert FILE --tls-key FILE`: the certificate chain and private key (PEM)
/// made into a swift-nio-ssl server context, TLS 1.2 at least, forward-secret AEAD cipher suites
/// only for TLS 1.2 (TLS 1.3's are all such), ALPN `http/1.1`. `reload()` (SIGHUP) reads both files
/// again; connections made after it use the new certificate, open ones keep theirs.
final class TLSCertificate: Sendable {
    let certificatePath: String
    let keyPath: String
    private let context: NIOLockedValueBox<NIOSSLContext>

    /// TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305.
    static let cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"

    init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        context = NIOLockedValueBox(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// Reads the files again; on an error the certificate in use is kept (and the error thrown).
    func reload() throws {
        let fresh = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        context.withLockedValue { $0 = fresh }
    }

    /// A handler for a new connection, with the certificate in use now.
    func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context.withLockedValue { $0 })
    }

    private static func load(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw NERError(path: certificatePath, "cannot read the TLS certificate (PEM): \(error)")
        }
        guard !chain.isEmpty else { throw NERError(path: certificatePath, "no certificate in the file (PEM expected)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw NERError(path: keyPath, "cannot read the TLS private key (PEM): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                    privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = cipherSuites
        configuration.applicationProtocols = ["http/1.1"]
        // A closing connection waits this long for the client's close_notify (5 s by default):
        // what a slow client whose connection is being closed can still hold it for.
        configuration.shutdownTimeout = .seconds(1)
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw NERError(path: certificatePath, "the TLS certificate and the key \(keyPath) do not make a usable pair: \(error)")
        }
    }
}
#else
/// Built without the TLS trait: no certificate is ever made (`ServeConfiguration` refuses
/// `tlsCertificatePath` first), so the server serves plain HTTP only.
final class TLSCertificate: Sendable {
    let certificatePath: String

    private init(never: Never) { switch never {} }

    func reload() throws {}
}
#endif
