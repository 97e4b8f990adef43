/// Numbers as the reports print them.
package enum NumberText {
    /// 1234567 → "1,234,567": sizes and rates are compared with published tables, which use
    /// separators.
    package static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
