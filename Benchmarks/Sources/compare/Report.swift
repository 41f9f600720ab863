import BenchmarkSupport
import CAllocBench
import Foundation

/// The machine a run happened on.
struct Machine: Codable {
    let processors: Int
    let model: String
    let kernel: String
    let swift: String
    let glibc: String
    let packages: [String: String]

    static func current() -> Machine {
        var packages: [String: String] = [:]
        for package in ["libmimalloc2.0", "libjemalloc2", "libtcmalloc-minimal4"] {
            let version = MachineProbe.output(of: ["dpkg-query", "-W", "-f", "${Version}", package])
            packages[package] = version.isEmpty ? "not installed" : version
        }
        return Machine(
            processors: ProcessInfo.processInfo.activeProcessorCount,
            model: MachineProbe.cpuModel,
            kernel: MachineProbe.kernelRelease,
            swift: MachineProbe.firstLine(of: ["swift", "--version"]),
            glibc: String(cString: cab_glibc_version()),
            packages: packages
        )
    }

    var summary: String {
        "\(processors) × \(model), Linux \(kernel), \(swift), glibc \(glibc), "
            + packages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// What the goals of issues 4 and 5 compare: `numerator / denominator` against `limit`.
struct Goal {
    let name: String
    let numerator: String
    let denominator: String
    /// true: met when ratio <= limit; false: met when ratio >= limit.
    let atMost: Bool
    let limit: Double

    static let all: [Goal] = [
        Goal(
            name: "Shard allocator churn within 1.2x of raw mimalloc",
            numerator: "churn/shard",
            denominator: "churn/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "UniqueBuffer churn within 1.2x of raw mimalloc",
            numerator: "churn/UniqueBuffer",
            denominator: "churn/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "Stretch: UniqueBuffer churn at or below tcmalloc preloaded",
            numerator: "churn/UniqueBuffer",
            denominator: "churn/tcmalloc",
            atMost: true,
            limit: 1.0
        ),
        Goal(
            name: "pairs-16: shard within 1.2x of raw mimalloc",
            numerator: "pairs-16/shard",
            denominator: "pairs-16/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-16: UniqueBuffer within 1.2x of raw mimalloc",
            numerator: "pairs-16/UniqueBuffer",
            denominator: "pairs-16/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-64: shard within 1.2x of raw mimalloc",
            numerator: "pairs-64/shard",
            denominator: "pairs-64/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-64: UniqueBuffer within 1.2x of raw mimalloc",
            numerator: "pairs-64/UniqueBuffer",
            denominator: "pairs-64/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-256: shard within 1.2x of raw mimalloc",
            numerator: "pairs-256/shard",
            denominator: "pairs-256/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-256: UniqueBuffer within 1.2x of raw mimalloc",
            numerator: "pairs-256/UniqueBuffer",
            denominator: "pairs-256/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-1024: shard within 1.2x of raw mimalloc",
            numerator: "pairs-1024/shard",
            denominator: "pairs-1024/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "pairs-1024: UniqueBuffer within 1.2x of raw mimalloc",
            numerator: "pairs-1024/UniqueBuffer",
            denominator: "pairs-1024/mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "OwnedBuffer within 1.2x of a Swift class + raw mimalloc pair",
            numerator: "owned-churn/OwnedBuffer",
            denominator: "owned-churn/class+mimalloc",
            atMost: true,
            limit: 1.2
        ),
        Goal(
            name: "Region allocation within 2x of a bare pointer bump",
            numerator: "request/Region",
            denominator: "request/bump",
            atMost: true,
            limit: 2
        ),
        Goal(
            name: "RegionCursor allocation within 2x of a bare pointer bump",
            numerator: "request/Region-cursor",
            denominator: "request/bump",
            atMost: true,
            limit: 2
        ),
        Goal(
            name: "Region allocation within 2x of a bounds-checked bump",
            numerator: "request/Region",
            denominator: "request/bump-checked",
            atMost: true,
            limit: 2
        ),
        Goal(
            name: "RegionCursor allocation within 2x of a bounds-checked bump",
            numerator: "request/Region-cursor",
            denominator: "request/bump-checked",
            atMost: true,
            limit: 2
        ),
        Goal(
            name: "Region at least 3x faster than tcmalloc (tcmalloc / Region)",
            numerator: "request/tcmalloc",
            denominator: "request/Region",
            atMost: false,
            limit: 3
        ),
        Goal(
            name: "Region at least 3x faster than mimalloc churn (churn/mimalloc / Region)",
            numerator: "churn/mimalloc",
            denominator: "request/Region",
            atMost: false,
            limit: 3
        ),
        Goal(
            name: "Producer/consumer, pinned: shard within 1.1x of raw mimalloc",
            numerator: "producer-consumer/shard",
            denominator: "producer-consumer/mimalloc",
            atMost: true,
            limit: 1.1
        ),
        Goal(
            name: "Larson, 4 threads: shard within 1.1x of raw mimalloc",
            numerator: "larson/shard",
            denominator: "larson/mimalloc",
            atMost: true,
            limit: 1.1
        ),
        Goal(
            name: "Cache-scratch: shard within 1.1x of raw mimalloc",
            numerator: "cache-scratch/shard",
            denominator: "cache-scratch/mimalloc",
            atMost: true,
            limit: 1.1
        ),
        Goal(
            name: "Producer/consumer at least 3x faster than glibc (glibc / shard)",
            numerator: "producer-consumer/glibc",
            denominator: "producer-consumer/shard",
            atMost: false,
            limit: 3
        ),
        Goal(
            name: "Package loaded: Swift allocate(byteCount:alignment:) within 5%",
            numerator: "swift-allocate/swift+package",
            denominator: "swift-allocate/swift",
            atMost: true,
            limit: 1.05
        ),
        Goal(
            name: "Package loaded: Swift class allocation within 5%",
            numerator: "swift-class/swift+package",
            denominator: "swift-class/swift",
            atMost: true,
            limit: 1.05
        ),
    ]
}

struct Report {
    let results: [Runner.Row]
    let reps: Int
    let scale: Double
    let command: String
    let machine: Machine
    let seconds: Double

    struct RowSummary: Codable {
        let scenario: String
        let allocator: String
        let isBaseline: Bool
        let preload: String?
        let mallocFrom: String
        let nsPerOpMedian: Double
        let nsPerOpRuns: [Double]
        /// Median over repetitions of (this row / the scenario's baseline row in the same repetition).
        let ratioToBaseline: Double?
        let peakRSSKiBMedian: Int
    }

    struct GoalSummary: Codable {
        let goal: String
        let ratio: Double?
        let ratioMin: Double?
        let ratioMax: Double?
        let limit: Double
        let atMost: Bool
        let status: String
    }

    /// Per-repetition ratios of two rows (same repetition = neighbours in time).
    func ratios(_ numerator: String, _ denominator: String) -> [Double]? {
        guard let a = results.first(where: { $0.c.id == numerator }),
            let b = results.first(where: { $0.c.id == denominator })
        else { return nil }
        return zip(a.nanoseconds, b.nanoseconds).map { $0 / $1 }
    }

    var rows: [RowSummary] {
        results.map { row in
            let base = results.first { $0.c.scenario == row.c.scenario && $0.c.isBaseline }
            return RowSummary(
                scenario: row.c.scenario,
                allocator: row.c.allocator,
                isBaseline: row.c.isBaseline,
                preload: row.c.preload?.rawValue,
                mallocFrom: row.mallocFrom,
                nsPerOpMedian: median(row.nanoseconds),
                nsPerOpRuns: row.nanoseconds,
                ratioToBaseline: base.flatMap { ratios(row.c.id, $0.c.id) }.map(median),
                peakRSSKiBMedian: Int(median(row.peakRSSKiB.map(Double.init)))
            )
        }
    }

    var goals: [GoalSummary] {
        Goal.all.map { goal in
            guard let values = ratios(goal.numerator, goal.denominator) else {
                return GoalSummary(
                    goal: goal.name,
                    ratio: nil,
                    ratioMin: nil,
                    ratioMax: nil,
                    limit: goal.limit,
                    atMost: goal.atMost,
                    status: "not measured"
                )
            }
            let ratio = median(values)
            let met = goal.atMost ? ratio <= goal.limit : ratio >= goal.limit
            return GoalSummary(
                goal: goal.name,
                ratio: ratio,
                ratioMin: values.min(),
                ratioMax: values.max(),
                limit: goal.limit,
                atMost: goal.atMost,
                status: met ? "met" : "missed"
            )
        }
    }

    static func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    func markdownTable() -> String {
        var lines = [
            "| scenario | allocator | ns/op (median) | fastest–slowest run | ratio to base | peak RSS |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for row in rows {
            let ratio = row.isBaseline ? "base" : row.ratioToBaseline.map { Report.format($0, 2) + "x" } ?? "–"
            lines.append(
                "| \(row.scenario) | \(row.allocator) | \(Report.format(row.nsPerOpMedian)) | "
                    + "\(Report.format(row.nsPerOpRuns.min()!))–\(Report.format(row.nsPerOpRuns.max()!)) | \(ratio) | "
                    + "\(Report.format(Double(row.peakRSSKiBMedian) / 1024)) MiB |"
            )
        }
        return lines.joined(separator: "\n")
    }

    func goalsMarkdown() -> String {
        var lines = [
            "| goal | measured ratio (median; spread over runs) | limit | status |", "| --- | ---: | ---: | --- |",
        ]
        for goal in goals {
            let measured =
                goal.ratio.map {
                    "\(Report.format($0, 2)) (\(Report.format(goal.ratioMin!, 2))–\(Report.format(goal.ratioMax!, 2)))"
                } ?? "–"
            lines.append("| \(goal.goal) | \(measured) | \(goal.atMost ? "≤" : "≥") \(goal.limit) | \(goal.status) |")
        }
        return lines.joined(separator: "\n")
    }

    func textTable() -> String {
        func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return left ? s + fill : fill + s
        }
        func line(_ f: [String]) -> String {
            pad(f[0], 18, left: true) + " " + pad(f[1], 24, left: true) + pad(f[2], 10) + pad(f[3], 20) + pad(f[4], 9)
                + pad(f[5], 11)
        }
        var lines = [line(["scenario", "allocator", "ns/op", "runs min-max", "ratio", "peak RSS"])]
        for row in rows {
            let ratio = row.isBaseline ? "base" : row.ratioToBaseline.map { Report.format($0, 2) + "x" } ?? "-"
            let spread = "\(Report.format(row.nsPerOpRuns.min()!))-\(Report.format(row.nsPerOpRuns.max()!))"
            lines.append(
                line([
                    row.scenario, row.allocator, Report.format(row.nsPerOpMedian), spread, ratio,
                    Report.format(Double(row.peakRSSKiBMedian) / 1024) + " MiB",
                ])
            )
        }
        return lines.joined(separator: "\n")
    }

    func goalsText() -> String {
        goals.map { goal in
            let measured = goal.ratio.map { Report.format($0, 2) } ?? "-"
            return
                "\(goal.status.uppercased()): \(goal.goal): \(measured) (limit \(goal.atMost ? "<=" : ">=") \(goal.limit))"
        }.joined(separator: "\n")
    }

    func markdown() -> String {
        """
        # Allocator comparison

        Generated by `\(command)` (\(reps) interleaved repetitions, op-count scale \(scale), \
        \(Int(seconds)) s). Do not edit by hand.

        Machine: \(machine.summary).

        ns/op is the median over the repetitions. "ratio to base" is the median over repetitions of
        (this row / the scenario's base row in the same repetition); the base is raw mimalloc
        (`mi_malloc`/`mi_free` through dlopen), except in `owned-churn` (a Swift class that owns
        one raw mimalloc block) and `swift-class` (class allocation in a process that does not
        load the package). Peak RSS is the child process's `ru_maxrss`.

        \(markdownTable())

        ## Goals

        \(goalsMarkdown())

        ![ratio to base, log scale](results.svg)
        """
    }

    func json() throws -> Data {
        struct Document: Codable {
            let command: String
            let repetitions: Int
            let scale: Double
            let seconds: Double
            let machine: Machine
            let rows: [RowSummary]
            let goals: [GoalSummary]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(
            Document(
                command: command,
                repetitions: reps,
                scale: scale,
                seconds: seconds,
                machine: machine,
                rows: rows,
                goals: goals
            )
        )
    }

    /// Horizontal bars of each row's ratio to its scenario's base, on a log scale centred on 1x.
    func svg() -> String {
        let width = 960.0
        let labelWidth = 250.0
        let left = labelWidth + 20
        let right = width - 150
        let low = -2.0
        let high = 3.0  // log2 range: 0.25x ... 8x
        func x(_ ratio: Double) -> Double {
            let clamped = min(max(log2(ratio), low), high)
            return left + (clamped - low) / (high - low) * (right - left)
        }
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        func color(_ row: RowSummary) -> String {
            if row.isBaseline { return "#7f7f7f" }
            switch row.allocator {
            case "shard", "UniqueBuffer", "OwnedBuffer", "Region", "Region-cursor", "Region-long", "swift+package":
                return "#1f77b4"
            case "bump", "bump-checked": return "#2ca02c"
            case "glibc", "swift": return "#d62728"
            case "jemalloc": return "#ff7f0e"
            case "tcmalloc": return "#9467bd"
            default: return "#8c564b"
            }
        }
        var body: [String] = []
        var y = 70.0
        var scenario = ""
        for row in rows {
            if row.scenario != scenario {
                scenario = row.scenario
                y += 8
                body.append("<text x=\"10\" y=\"\(y + 12)\" font-weight=\"bold\">\(escape(scenario))</text>")
                y += 18
            }
            let ratio = row.isBaseline ? 1.0 : row.ratioToBaseline ?? 1.0
            let x0 = x(1)
            let x1 = x(ratio)
            body.append("<text x=\"\(labelWidth)\" y=\"\(y + 12)\" text-anchor=\"end\">\(escape(row.allocator))</text>")
            body.append(
                "<rect x=\"\(min(x0, x1))\" y=\"\(y + 2)\" width=\"\(max(abs(x1 - x0), 2))\" height=\"13\" fill=\"\(color(row))\"/>"
            )
            let label =
                "\(Report.format(row.nsPerOpMedian)) ns"
                + (row.isBaseline ? " (base)" : " (\(Report.format(ratio, 2))x)")
            body.append("<text x=\"\(max(x0, x1) + 6)\" y=\"\(y + 12)\">\(label)</text>")
            y += 18
        }
        var axis: [String] = []
        for tick in [0.25, 0.5, 1, 2, 4, 8] {
            let tx = x(tick)
            axis.append(
                "<line x1=\"\(tx)\" y1=\"60\" x2=\"\(tx)\" y2=\"\(y)\" stroke=\"\(tick == 1 ? "#000" : "#ddd")\"/>"
            )
            axis.append("<text x=\"\(tx)\" y=\"55\" text-anchor=\"middle\">\(tick)x</text>")
        }
        let height = y + 30
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="#fff"/>
            <text x="10" y="20" font-size="15" font-weight="bold">ns/op relative to each scenario's base (log scale; left of 1x is faster)</text>
            <text x="10" y="38" fill="#555">\(escape(machine.model)), \(machine.processors) CPUs; median of \(reps) interleaved runs; \(escape(command))</text>
            \(axis.joined(separator: "\n"))
            \(body.joined(separator: "\n"))
            </svg>

            """
    }

    /// Writes results.json, results.md and results.svg into `directory`; returns the paths.
    ///
    /// - Throws: ``OutputError`` for a file that cannot be written, or the encoder's error.
    func write(to directory: OutputDirectory) throws -> [String] {
        let json = try json()
        return [
            try directory.write(json, to: "results.json"),
            try directory.write(Data((markdown() + "\n").utf8), to: "results.md"),
            try directory.write(Data(svg().utf8), to: "results.svg"),
        ]
    }
}
