/// Number formats for the demo's report, without Foundation.
enum DemoFormat {
    /// `value` with a comma between groups of three digits: `1,234,567`.
    ///
    /// - Parameter value: Any whole number.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `value` grouped and followed by `noun`, with an `s` unless `value` is 1: `1 byte`, `2,048 bytes`.
    ///
    /// - Parameters:
    ///   - value: A count.
    ///   - noun: What is counted, in the singular.
    static func counted(_ value: Int, _ noun: String) -> String {
        grouped(value) + " " + noun + (value == 1 ? "" : "s")
    }

    /// `value` rounded to `places` decimal places: `fixed(3.14159, places: 2)` is `3.14`.
    ///
    /// - Parameters:
    ///   - value: A finite number.
    ///   - places: Digits after the point, 0 to 9.
    static func fixed(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let whole = grouped(scaled / scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + whole }
        let fraction = String(scaled % scale)
        return sign + whole + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// A byte count in binary units with one decimal: `512 B`, `41.5 KiB`, `15.4 MiB`.
    ///
    /// - Parameter bytes: A byte count.
    static func bytes(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard bytes.magnitude >= 1024 else { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value.magnitude >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return fixed(value, places: 1) + " " + units[unit]
    }

    /// A rate with three significant figures and a scale word: `33.3 million`, `13,664`.
    ///
    /// - Parameter value: A non-negative rate.
    static func rate(_ value: Double) -> String {
        if value >= 1e9 { return fixed(value / 1e9, places: value >= 1e10 ? 1 : 2) + " billion" }
        if value >= 1e6 { return fixed(value / 1e6, places: value >= 1e7 ? 1 : 2) + " million" }
        return grouped(Int(value.rounded()))
    }
}

extension String {
    /// The string with spaces in front, to make it at least `width` characters long.
    ///
    /// - Parameter width: The width to reach.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
