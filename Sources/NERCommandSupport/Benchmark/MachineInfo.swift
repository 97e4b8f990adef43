import Foundation
import NERKit

/// What a benchmark ran on, so numbers from different machines and builds are not confused.
package struct MachineInfo: Codable, Equatable, Sendable {
    /// The CPU's "model name" from /proc/cpuinfo ("unknown" where there is none).
    package var cpu: String
    /// Cores available to this process.
    package var cores: Int
    /// Threads OpenBLAS uses for one product during the measurements.
    package var blasThreads: Int
    package var nerVersion: String
    /// "release" or "debug": debug builds are many times slower and not worth comparing.
    package var build: String
    package var os: String

    enum CodingKeys: String, CodingKey {
        case cpu, cores, os
        case blasThreads = "blas_threads"
        case nerVersion = "ner_version"
        case build
    }

    package static var current: MachineInfo {
        MachineInfo(cpu: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount, blasThreads: BLAS.threads,
                    nerVersion: NERVersion.string, build: buildConfiguration,
                    os: ProcessInfo.processInfo.operatingSystemVersionString)
    }

    package static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// The first "model name" line of `cpuinfo` (the text of /proc/cpuinfo by default).
    package static func cpuModel(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String {
        guard let cpuinfo else { return "unknown" }
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "model name" else { continue }
            let name = parts[1].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { return name }
        }
        return "unknown"
    }
}
