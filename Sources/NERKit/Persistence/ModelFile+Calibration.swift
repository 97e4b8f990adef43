import Foundation

extension ModelFile {
    /// Writes a copy of the model file at `path` to `output` (atomically; it may be `path`
    /// itself) whose provenance records `calibration`, every tensor kept as stored (same
    /// types, same bits).
    package static func saveCalibrated(_ path: String, calibration: ScoreCalibration, to output: String) throws {
        let loaded = try load(path)  // validates the file as a model first
        var provenance = loaded.provenance
        provenance.calibration = calibration
        var (tensors, meta) = try SafeTensorsFile.read(path)
        meta["provenance"] = jsonString(provenance)
        try SafeTensorsFile.write(tensors.keys.sorted().map { tensors.removeValue(forKey: $0)! }, metadata: meta, to: output)
    }
}
