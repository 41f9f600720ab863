import BenchmarkSupport
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
/// Progress, with an estimate of the time left, goes to standard error (``RunProgress``); the
/// tables go to standard output, then the files. The output folder is made before the first
/// child runs (exit 2 if it cannot be); a file that cannot be written is one line on standard
/// error and exit 1.
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
        let outputPath = option("--output") ?? defaultOutputDirectory().path
        let help = flag("--help")
        if help || !arguments.isEmpty {
            let usage = """
                usage: compare [--quick] [--reps N] [--scale X] [--filter TEXT] [--output DIR] [--no-write]
                  --quick        7 repetitions at scale 0.1 (about 30 s) instead of 11 at 2 (a few minutes)
                  --reps N       repetitions of every case (the tables show medians)
                  --scale X      operations per child run, relative to the default workloads
                  --filter TEXT  only the cases whose id contains TEXT (e.g. pairs-16/)
                  --output DIR   where results.{json,md,svg} go (default: the repository's
                                 docs/benchmarks); made, with any missing parents, before measuring
                                 (exit 2 if it cannot be)
                  --no-write     write no files
                The smallest run (under a second): compare --reps 1 --scale 0.01 --filter pairs-16/ --no-write
                Results go to standard output; progress with an estimate of the time left goes to
                standard error (redrawn on one line on a terminal, plain lines otherwise).
                """
            if help {
                print(usage)
            } else {
                printError("compare: unknown argument \(arguments[0])\n" + usage)
                exit(2)
            }
            return
        }
        // Made before measuring: a run is never lost to a folder that cannot exist.
        var output: OutputDirectory?
        if !noWrite {
            do {
                output = try OutputDirectory(creating: outputPath)
            } catch {
                printError("compare: \(error)")
                exit(2)
            }
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
        fflush(nil)  // the tables are out before any file is written
        guard let output else { return }
        do {
            let written = try report.write(to: output)
            print("wrote \(written.joined(separator: ", "))")
        } catch {
            printError("compare: \(error)")
            exit(1)
        }
    }

    /// Writes `text` and a newline to standard error, after what is already on standard output.
    static func printError(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
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

    /// Runs every case `reps` times, interleaved, with progress on standard error.
    ///
    /// Each child run weighs 1 in the first repetition; from the second on, each case weighs its
    /// share of the first repetition's time (the weights of one repetition still add up to the
    /// number of cases), so the estimate of the time left follows the slow and the fast cases.
    func run() -> [Row] {
        var rows = cases.map { Row(c: $0) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let progress = RunProgress(label: "compare", unit: "run", count: rows.count * reps)
        var weights = [Double](repeating: 1, count: rows.count)
        for rep in 1...reps {
            var seconds: [Double] = []
            for index in rows.indices {
                let c = rows[index].c
                progress.start("rep \(rep) of \(reps), \(c.id)", weight: weights[index])
                let started = Date()
                let (ns, rss, origin) = runOne(executable, c)
                seconds.append(Date().timeIntervalSince(started))
                rows[index].nanoseconds.append(ns)
                rows[index].peakRSSKiB.append(rss)
                rows[index].mallocFrom = origin
            }
            if rep == 1 {
                let mean = seconds.reduce(0, +) / Double(max(1, seconds.count))
                if mean > 0 { weights = seconds.map { $0 / mean } }
            }
        }
        progress.finish()
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
