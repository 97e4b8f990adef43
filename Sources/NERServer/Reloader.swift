import Dispatch
import Foundation
import Logging

/// SIGHUP: reads the API keys, the TLS certificate and key, and the patterns files again
/// (keeping what was in use if a file is now bad), logging what happened, never a key. The
/// patterns are read while the worker goes on tagging with the old ones (`TagBatcher.reloadPatterns`). Without anything to reload, SIGHUP is ignored rather than ending
/// the process.
final class Reloader {
    private let source: any DispatchSourceSignal

    init(keys: APIKeys?, tls: TLSCertificate?, patterns: TagBatcher? = nil, logger: Logger) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "ner.serve.reload"))
        source.setEventHandler {
            if keys == nil && tls == nil && patterns == nil { logger.info("SIGHUP: nothing to reload") }
            patterns?.reloadPatterns()
            if let keys {
                do {
                    try keys.reload()
                    logger.info("reloaded API keys", metadata: ["file": .string(keys.path), "keys": .stringConvertible(keys.count)])
                } catch {
                    logger.error("API keys not reloaded; the keys read before are kept",
                                 metadata: ["error": .string("\(error)")])
                }
            }
            if let tls {
                do {
                    try tls.reload()
                    logger.info("reloaded TLS certificate", metadata: ["file": .string(tls.certificatePath)])
                } catch {
                    logger.error("TLS certificate not reloaded; the one read before is kept",
                                 metadata: ["error": .string("\(error)")])
                }
            }
        }
        source.resume()
    }

    func stop() {
        source.cancel()
    }
}
