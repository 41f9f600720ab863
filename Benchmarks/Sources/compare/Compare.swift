import CAllocBench
import Foundation

/// `compare`: every allocator under one harness, side by side.
///
///     swift run -c release --package-path Benchmarks compare [--quick] [--reps N] [--scale X]
///         (defaults: 11 repetitions at scale 2, a few minutes on 2 cores; --quick: 7 at 0.1)
///         [--filter TEXT] [--output DIR] [--no-write]
///
/// Each (allocator, scenario) runs in a child process (this executable with `--child ID`), so
/// preloading jemalloc or tcmalloc affects only that child. Repetitions are interleaved:
/// for rep in 1...R { for each case { run child } }, and the tables show medians over R.
///
/// `compare --count ROW --ops N` instead runs one single-threaded row for N operations with a
/// synchronous main (valgrind cannot follow Swift's async main), for `scripts/instructions`.
@main
struct Compare {
    static func main() {
        if CommandLine.arguments.contains("--count") {
            InstructionCount.main(arguments: Array(CommandLine.arguments.dropFirst()))
            return
        }
        Task {
            await run()
            fflush(nil)  // every output stream
            exit(0)
        }
        dispatchMain()
    }

    static func run() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> String? {
            guard let at = arguments.firstIndex(of: name), at + 1 < arguments.count else { return nil }
            let value = arguments[at + 1]
            arguments.removeSubrange(at...(at + 1))
            return value
        }
        func flag(_ name: String) -> Bool {
            guard let at = arguments.firstIndex(of: name) else { return false }
            arguments.remove(at: at)
            return true
        }
        let quick = flag("--quick")
        let defaultScale = quick ? 0.1 : 2.0
        let scale = option("--scale").flatMap(Double.init) ?? defaultScale
        let ops = OpCounts(scale: scale)

        if let id = option("--child") {
            guard let c = allCases().first(where: { $0.id == id }) else {
                fatalError("compare: unknown case \(id)")
            }
            let nanoseconds = await runChild(c, ops: ops)
            print("RESULT \(nanoseconds) \(cab_max_rss_kib()) \(String(cString: cab_malloc_origin()))")
            return
        }

        let defaultReps = quick ? 7 : 11
        let reps = option("--reps").flatMap(Int.init) ?? defaultReps
        let filter = option("--filter")
        let noWrite = flag("--no-write")
        let output = option("--output").map { URL(fileURLWithPath: $0) } ?? defaultOutputDirectory()
        if flag("--help") || !arguments.isEmpty {
            print("usage: compare [--quick] [--reps N] [--scale X] [--filter TEXT] [--output DIR] [--no-write]")
            return
        }
        var cases = allCases()
        if let filter { cases = cases.filter { $0.id.contains(filter) } }
        for preload in [Preload.jemalloc, .tcmalloc, .mimalloc] where !preload.isInstalled {
            print(
                "note: \(preload.rawValue) is not installed; its rows are skipped"
                    + " (apt-get install -y libjemalloc2 libtcmalloc-minimal4 libmimalloc-dev)"
            )
        }
        cases = cases.filter { $0.preload?.isInstalled ?? true }

        var command = "swift run -c release --package-path Benchmarks compare"
        if quick { command += " --quick" }
        if reps != defaultReps { command += " --reps \(reps)" }
        if scale != defaultScale { command += " --scale \(scale)" }
        if let filter { command += " --filter \(filter)" }

        let runner = Runner(cases: cases, reps: reps, scale: scale)
        let started = Date()
        let results = runner.run()
        let report = Report(
            results: results,
            reps: reps,
            scale: scale,
            command: command,
            machine: Machine.current(),
            seconds: Date().timeIntervalSince(started)
        )
        print(report.textTable())
        print(report.goalsText())
        if !noWrite {
            do {
                try report.write(to: output)
                print("wrote \(output.path)/results.{json,md,svg}")
            } catch {
                print("compare: cannot write \(output.path): \(error)")
                exit(1)
            }
        }
    }

    /// docs/benchmarks of the repository this file was built from.
    static func defaultOutputDirectory() -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/benchmarks")
    }
}

/// Runs the children, interleaved.
struct Runner {
    let cases: [Case]
    let reps: Int
    let scale: Double

    struct Row {
        let c: Case
        var nanoseconds: [Double] = []
        var peakRSSKiB: [Int] = []
        var mallocFrom = ""
    }

    func run() -> [Row] {
        var rows = cases.map { Row(c: $0) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        for rep in 1...reps {
            FileHandle.standardError.write("rep \(rep)/\(reps): ".data(using: .utf8)!)
            for index in rows.indices {
                let c = rows[index].c
                let (ns, rss, origin) = runOne(executable, c)
                rows[index].nanoseconds.append(ns)
                rows[index].peakRSSKiB.append(rss)
                rows[index].mallocFrom = origin
                FileHandle.standardError.write(".".data(using: .utf8)!)
            }
            FileHandle.standardError.write("\n".data(using: .utf8)!)
        }
        return rows
    }

    func runOne(_ executable: String, _ c: Case) -> (Double, Int, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--child", c.id, "--scale", String(scale)]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LD_PRELOAD")
        if let preload = c.preload { environment["LD_PRELOAD"] = preload.rawValue }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { fatalError("compare: cannot start child: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") })
        else { fatalError("compare: child \(c.id) failed (status \(process.terminationStatus)): \(text)") }
        let fields = line.split(separator: " ")
        return (Double(fields[1])!, Int(fields[2])!, String(fields[3]))
    }
}
