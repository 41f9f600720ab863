/// Number formatting for the text table, without Foundation.
enum StatsFormat {
    /// `1536` → `"1.5 KiB"`; below 1 KiB, whole bytes (`"512 B"`).
    static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        let magnitude = value.magnitude
        var unit = 0
        var scale: UInt = 1
        while unit < units.count - 1 && magnitude >= scale * 1024 {
            scale *= 1024
            unit += 1
        }
        let sign = value < 0 ? "-" : ""
        if unit == 0 { return "\(sign)\(magnitude) B" }
        return sign + tenths(magnitude, over: scale) + " " + units[unit]
    }

    /// `0.1234` → `"12.3%"`.
    static func percent(_ ratio: Double) -> String {
        fixed(ratio * 100, decimals: 1) + "%"
    }

    /// `2.345` → `"2.3 s"`.
    static func seconds(_ value: Double) -> String {
        fixed(value, decimals: 1) + " s"
    }

    /// Milliseconds as seconds with two decimals: `1234` → `"1.23 s"`.
    static func milliseconds(_ value: Int) -> String {
        fixed(Double(value) / 1000, decimals: 2) + " s"
    }

    /// `value` rounded to `decimals` places (0 to 3), as plain digits.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.description }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (abs(value) * factor).rounded()
        guard scaled < 9e15 else { return value.description }
        let whole = UInt64(scaled)
        let divisor = UInt64(factor)
        let sign = value < 0 && whole > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        var fraction = String(whole % divisor)
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + String(whole / divisor) + "." + fraction
    }

    private static func tenths(_ magnitude: UInt, over scale: UInt) -> String {
        let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: scale)
        var whole = quotient
        var tenth = (remainder * 10 + scale / 2) / scale
        if tenth == 10 {
            whole += 1
            tenth = 0
        }
        return "\(whole).\(tenth)"
    }
}
