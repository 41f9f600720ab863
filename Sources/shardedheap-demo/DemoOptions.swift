#if canImport(Glibc)
import Glibc
#endif

/// The demo's command line, and the one environment variable it reads.
struct DemoOptions: Sendable {
    /// The environment variable of the testing knob; see ``corruptRequest``.
    static let corruptRequestVariable = "SHARDEDHEAP_DEMO_CORRUPT_REQUEST"

    /// The text `--help` prints: every flag, and the testing knob.
    static let usage = """
        usage: shardedheap-demo [--requests N] [--concurrency N] [--alloc-pairs N] [--json] [--help]

        A simulated request-serving workload on ShardGroup.shared: each request fills a body,
        transforms it into a response, and checks every byte against values recomputed from the
        request number; one response in four is checked and freed on another thread.

          --requests N      requests to run (default 200000)
          --concurrency N   requests in flight at once (default 64)
          --alloc-pairs N   make+free pairs timed in the allocation-rate phase (default 1000000)
          --json            print the report as one JSON object instead of the table
          -h, --help        print this help

        Progress goes to standard error. Exit status: 0 when the verdict is PASS, 1 when it is
        FAIL, 2 for a bad command line.

        Testing the checks: with \(corruptRequestVariable)=N in the environment, one byte of
        request N's response is flipped after the transform, so the run must end in FAIL.
        """

    /// Requests to run.
    var requests = 200_000
    /// Requests in flight at once.
    var concurrency = 64
    /// Make+free pairs timed in the allocation-rate phase.
    var allocationPairs = 1_000_000
    /// Print JSON instead of the table.
    var json = false
    /// A request whose response gets one byte flipped after the transform, from the environment
    /// variable ``corruptRequestVariable``: a knob for testing that the checks can fail.
    var corruptRequest: Int?

    /// Parses `arguments` (the program name first) and the environment; prints the usage and
    /// exits for `--help`, and exits with status 2 on a bad argument.
    ///
    /// - Parameter arguments: `CommandLine.arguments`.
    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--requests": requests = Self.positive(iterator.next(), name: argument)
            case "--concurrency": concurrency = Self.positive(iterator.next(), name: argument)
            case "--alloc-pairs": allocationPairs = Self.positive(iterator.next(), name: argument)
            case "--json": json = true
            case "--help", "-h":
                print(Self.usage)
                exit(0)
            default:
                Self.fail("unknown argument '\(argument)'")
            }
        }
        if let text = getenv(Self.corruptRequestVariable).map({ String(cString: $0) }) {
            guard let number = Int(text), number >= 0 else {
                Self.fail("\(Self.corruptRequestVariable) needs a request number (got '\(text)')")
            }
            corruptRequest = number
        }
    }

    /// The value after a flag, which must be a positive whole number.
    private static func positive(_ text: String?, name: String) -> Int {
        guard let text, let value = Int(text), value > 0 else {
            fail("\(name) needs a positive whole number (got '\(text ?? "")')")
        }
        return value
    }

    /// Reports a bad command line on standard error and exits with status 2.
    private static func fail(_ message: String) -> Never {
        StandardError.print("shardedheap-demo: \(message)\n\(usage)")
        exit(2)
    }
}
