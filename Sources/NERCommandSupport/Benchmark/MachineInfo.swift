import Foundation
import NERKit

/// What a benchmark ran on, so numbers from different machines and builds are not confused.
package struct MachineInfo: Codable, Equatable, Sendable {
    /// The CPU's "model name" from /proc/cpuinfo ("unknown" where there is none).
    package var cpu: String
    /// Cores available to this process.
    package var cores: Int
    /// The CPU's family and model numbers ("family 26 model 2"; empty where /proc/cpuinfo has
    /// none): "AMD EPYC" alone names several generations.
    package var cpuKind: String
    /// Threads OpenBLAS uses for one product during the measurements.
    package var blasThreads: Int
    /// The kernel set OpenBLAS runs (training's products), with "(OPENBLAS_CORETYPE)" when the
    /// environment chose it rather than OpenBLAS's look at the CPU.
    package var blasKernels: String
    package var nerVersion: String
    /// "release" or "debug": debug builds are many times slower and not worth comparing.
    package var build: String
    package var os: String

    enum CodingKeys: String, CodingKey {
        case cpu, cores, os
        case cpuKind = "cpu_kind"
        case blasThreads = "blas_threads"
        case blasKernels = "blas_kernels"
        case nerVersion = "ner_version"
        case build
    }

    package static var current: MachineInfo {
        let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil ? " (OPENBLAS_CORETYPE)" : ""
        return MachineInfo(cpu: cpuModel(cpuinfo: info), cores: ProcessInfo.processInfo.activeProcessorCount, cpuKind: cpuKind(cpuinfo: info),
                    blasThreads: BLAS.threads, blasKernels: BLAS.coreName + chosen, nerVersion: NERVersion.string, build: buildConfiguration,
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
        field("model name", of: cpuinfo) ?? "unknown"
    }

    /// "family F model M" from the first "cpu family" and "model" lines of `cpuinfo`, or "" when
    /// it has neither (a CPU that is not x86).
    package static func cpuKind(cpuinfo: String?) -> String {
        guard let family = field("cpu family", of: cpuinfo), let model = field("model", of: cpuinfo) else { return "" }
        return "family \(family) model \(model)"
    }

    /// The value of the first non-empty `key: value` line named `key` in `cpuinfo`.
    private static func field(_ key: String, of cpuinfo: String?) -> String? {
        guard let cpuinfo else { return nil }
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { return value }
        }
        return nil
    }
}
