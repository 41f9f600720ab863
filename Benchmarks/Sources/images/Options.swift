import Foundation

/// The command line of `images`.
struct Options {
    var count = 10_000_000
    /// Timed runs of each whole-array step (copy, encode, get, decode); nil: 1 from a million
    /// records up, 5 below.
    var reps: Int?
    var lookups = 1_000_000
    /// Timed passes over the lookup sequence, after the first (untimed-for-the-median) pass.
    var lookupPasses = 7
    var opens = 1_001
    var lookupsOnly = false
    var noWrite = false
    var output: String?
    /// `--help`: print the usage and exit.
    var help = false

    static let usage = """
        usage: images [--count N] [--reps R] [--lookups N] [--lookup-passes P] [--lookups-only]
                      [--no-write] [--output DIR] [--help]
          --count N          records in the [Person] array (default 10,000,000)
          --reps R           timed runs of copy / JSONEncoder / get / JSONDecoder
                             (default 1 from 1,000,000 records up, otherwise 5; the median is reported)
          --lookups N        random indices per lookup pass (default 1,000,000)
          --lookup-passes P  timed lookup passes after the first pass (default 7; median reported)
          --lookups-only     only build, copy, map and look up (for profilers); implies --no-write
          --no-write         do not write docs/benchmarks/images.{md,json}
          --output DIR       where to write them (default: the repository's docs/benchmarks); made,
                             with any missing parents, before measuring (exit 2 if it cannot be)

        The default run takes about 90 s on 2 cores. The smallest run (under a second, for checks):
          images --count 1000 --reps 1 --lookups 1000 --lookup-passes 1
        Results go to standard output; progress with an estimate of the time left goes to standard
        error (redrawn on one line on a terminal, plain lines otherwise).
        """

    /// Parses `arguments` (without the program name); nil after printing what is wrong and the
    /// usage on standard error.
    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        func number(_ name: String) -> Int? {
            guard let text = rest.popFirst(), let value = Int(text.replacingOccurrences(of: "_", with: "")), value > 0
            else {
                FileHandle.standardError.write(Data("images: \(name) needs a positive number\n".utf8))
                return nil
            }
            return value
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--count":
                guard let value = number(argument) else { return nil }
                options.count = value
            case "--reps":
                guard let value = number(argument) else { return nil }
                options.reps = value
            case "--lookups":
                guard let value = number(argument) else { return nil }
                options.lookups = value
            case "--lookup-passes":
                guard let value = number(argument) else { return nil }
                options.lookupPasses = value
            case "--lookups-only":
                options.lookupsOnly = true
                options.noWrite = true
            case "--no-write": options.noWrite = true
            case "--output":
                guard let value = rest.popFirst() else {
                    FileHandle.standardError.write(Data((usage + "\n").utf8))
                    return nil
                }
                options.output = value
            case "--help", "-h": options.help = true
            default:
                FileHandle.standardError.write(Data("images: unknown argument \(argument)\n\(usage)\n".utf8))
                return nil
            }
        }
        return options
    }

    /// Runs of each whole-array step.
    var wholeArrayReps: Int { reps ?? (count >= 1_000_000 ? 1 : 5) }

    /// The command line that reproduces this run.
    var command: String {
        var command = "swift run -c release --package-path Benchmarks images"
        if count != 10_000_000 { command += " --count \(count)" }
        if let reps { command += " --reps \(reps)" }
        if lookups != 1_000_000 { command += " --lookups \(lookups)" }
        if lookupPasses != 7 { command += " --lookup-passes \(lookupPasses)" }
        if lookupsOnly { command += " --lookups-only" }
        if noWrite && !lookupsOnly { command += " --no-write" }
        if let output { command += " --output \(output)" }
        return command
    }
}
