import Foundation
import NIOConcurrencyHelpers

/// The Date header's value (RFC 9110 IMF-fixdate, "Sun, 06 Dec 2026 07:30:00 GMT"), formatted
/// once a second rather than once a response.
enum HTTPDate {
    private static let cache = NIOLockedValueBox((second: -1, text: ""))

    static var now: String {
        var seconds = time(nil)
        return cache.withLockedValue { cached in
            if cached.second != seconds {
                cached = (seconds, format(&seconds))
            }
            return cached.text
        }
    }

    private static func format(_ seconds: inout time_t) -> String {
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(1900 + parts.tm_year) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
