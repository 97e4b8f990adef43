import Foundation
import NERKit

/// The resident memory of this process, as the operating system counts it.
package enum ProcessMemory {
    /// The largest resident set size so far (getrusage `ru_maxrss`), in megabytes (2^20 bytes).
    package static var peakResidentMB: Double {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024          // kilobytes on Linux
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1_048_576     // bytes on macOS
        #endif
    }

    /// The resident set size now (second field of /proc/self/statm, in pages), in megabytes;
    /// nil where /proc is not available.
    package static var currentResidentMB: Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
