/// The version of `ner`, written into model files as provenance.
public enum NERVersion {
    public static let string = "0.1.0"
}
