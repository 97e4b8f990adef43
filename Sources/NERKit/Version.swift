/// The version of `ner`, written into model files as provenance.
package enum NERVersion {
    package static let string = "0.1.0"
}
