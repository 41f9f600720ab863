import BenchmarkSupport
import CAllocBench
import Foundation
import OffHeapImages
import ShardedHeap

/// `images`: issue 6's figures for off-heap images of `[Person]`, against Foundation's JSON.
///
///     swift run -c release --package-path Benchmarks images [--count N] [--reps R] [--no-write]
///         [--output DIR] [--help]
///
/// Steps, in one process: build the records; `OffHeap.copy` against `JSONEncoder().encode`
/// (interleaved per repetition); write the image to a temporary file; `MappedImage` opens;
/// random `elements[i]` lookups on the mapping against decoding one record's JSON with
/// `JSONDecoder`; `get()` of the whole array against `JSONDecoder` of the whole JSON.
@main
enum ImagesBenchmark {
    static func main() {
        guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else { exit(2) }
        if options.help {
            print(Options.usage)
            return
        }
        // The output folder is made before measuring: a run is never lost to a folder that
        // cannot exist.
        var output: OutputDirectory?
        if !options.noWrite {
            do {
                output = try OutputDirectory(creating: options.output ?? defaultOutputDirectory())
            } catch {
                printError("images: \(error)")
                exit(2)
            }
        }
        let report: ImagesReport
        do {
            report = try measure(options)
        } catch {
            printError("images: \(error)")
            exit(1)
        }
        // The results reach standard output before any file is written.
        print(report.markdown())
        fflush(nil)
        guard let output else { return }
        do {
            let written = try report.write(to: output)
            print("wrote \(written.joined(separator: " and "))")
        } catch {
            printError("images: \(error)")
            exit(1)
        }
    }

    /// Every step of the run, with progress on standard error; returns the report.
    static func measure(_ options: Options) throws -> ImagesReport {
        let started = cab_now_ns()
        var results = ImagesResults()
        results.command = options.command
        results.date = ISO8601DateFormatter().string(from: Date())
        results.machine = MachineInfo.current()
        results.count = options.count
        results.wholeArrayReps = options.wholeArrayReps
        results.lookupsPerPass = options.lookups
        results.lookupPasses = options.lookupPasses
        print("images: \(options.command)")
        print("machine: \(results.machine!.summary)")

        let progress = RunProgress.images(options)
        defer { progress.finish() }  // also when a step throws: the status line ends before the error
        progress.start(.build, options)
        let (buildSeconds, people) = Stopwatch.time { Person.make(count: options.count) }
        results.buildSeconds = buildSeconds
        progress.print(String(format: "built %d records in %.2f s", options.count, buildSeconds))

        let path = NSTemporaryDirectory() + "shardedheap-images-\(getpid()).img"
        defer { unlink(path) }
        let (image, json) = try writeSteps(people, options: options, path: path, progress: progress, into: &results)
        try lookupSteps(people, options: options, path: path, progress: progress, into: &results)
        if let json {
            try wholeArrayReadSteps(
                people,
                image: image,
                json: json,
                options: options,
                path: path,
                progress: progress,
                into: &results
            )
        }
        progress.finish()
        results.peakRSSMiB = cab_max_rss_kib() / 1024
        results.totalSeconds = Double(cab_now_ns() - started) / 1e9
        return ImagesReport(results: results)
    }

    /// Writes `line` and a newline to standard error.
    static func printError(_ line: String) {
        fflush(nil)  // what is already on standard output comes first
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `OffHeap.copy` and `JSONEncoder`, interleaved per repetition; then the image file.
    /// Returns the last image and JSON (none with `--lookups-only`).
    static func writeSteps(
        _ people: [Person],
        options: Options,
        path: String,
        progress: RunProgress,
        into results: inout ImagesResults
    ) throws -> (OffHeapImage<[Person]>, Data?) {
        var copyRuns: [Double] = []
        var encodeRuns: [Double] = []
        var image: OffHeapImage<[Person]>?
        var json: Data?
        for rep in 0..<(options.lookupsOnly ? 1 : options.wholeArrayReps) {
            image = nil
            json = nil
            progress.start(.copy(rep: rep + 1), options)
            let copy = try Stopwatch.time { try OffHeap.copy(people) }
            copyRuns.append(copy.seconds)
            image = copy.result
            progress.print(String(format: "rep %d: OffHeap.copy %.3f s", rep + 1, copy.seconds))
            if options.lookupsOnly { break }
            progress.start(.encode(rep: rep + 1), options)
            let encode = try Stopwatch.time { try JSONEncoder().encode(people) }
            encodeRuns.append(encode.seconds)
            results.jsonBytes = encode.result.count
            json = encode.result
            progress.print(String(format: "rep %d: JSONEncoder %.3f s", rep + 1, encode.seconds))
        }
        results.copy = .init(unit: "s", runs: copyRuns)
        if !encodeRuns.isEmpty {
            results.jsonEncode = .init(unit: "s", runs: encodeRuns)
            results.copySpeedup = .init(unit: "x", runs: zip(encodeRuns, copyRuns).map { $0 / $1 })
        }
        let written = image!
        results.imageBytes = written.byteCount
        progress.start(.writeFile, options)
        results.writeFileSeconds = try Stopwatch.time { try written.write(to: path) }.seconds
        let seconds = results.writeFileSeconds
        progress.print(String(format: "image %d bytes, written to %@ in %.2f s", written.byteCount, path, seconds))
        return (written, json)
    }

    /// Opens of the file, then random `elements[i]` on one mapping against one record's JSON.
    static func lookupSteps(
        _ people: [Person],
        options: Options,
        path: String,
        progress: RunProgress,
        into results: inout ImagesResults
    ) throws {
        progress.start(.opens, options)
        var openRuns: [Double] = []
        for _ in 0..<options.opens {
            let start = cab_now_ns()
            let mapped = try MappedImage<[Person]>(contentsOf: path)
            let end = cab_now_ns()
            withExtendedLifetime(mapped) {}
            openRuns.append(Double(end - start))
        }
        results.open = .init(unit: "ns", runs: openRuns)

        var random = SplitMix64(seed: 0x1_00C_0F5)
        let indices = (0..<options.lookups).map { _ in random.below(people.count) }
        let expected = indices.reduce(0) { $0 &+ people[$1].age &+ people[$1].name.utf8.count }

        // A fresh mapping: the first pass takes the page faults (the file is in the page cache,
        // having just been written, so these are minor faults, not disk reads).
        progress.start(.lookups, options)
        let mapped = try MappedImage<[Person]>(contentsOf: path)
        let elements = try mapped.elements
        var passes: [Double] = []
        var faults: [Double] = []
        for pass in 0...options.lookupPasses {
            let faultsBefore = minorFaults()
            let start = cab_now_ns()
            let sum = try lookUp(indices, in: elements)
            let end = cab_now_ns()
            guard sum == expected else { fatalError("images: lookups read wrong records (\(sum) != \(expected))") }
            let perLookup = Double(end - start) / Double(indices.count)
            if pass == 0 {
                results.lookupFirstPass = .init(unit: "ns", runs: [perLookup])
                results.firstPassFaults = minorFaults() - faultsBefore
            } else {
                passes.append(perLookup)
                faults.append(Double(minorFaults() - faultsBefore))
            }
        }
        results.lookup = .init(unit: "ns", runs: passes)
        results.lookupPassFaults = .init(unit: "faults", runs: faults)
        progress.start(.locate, options)
        results.locate = try perLookupPasses(options.lookupPasses, indices.count) {
            let records = try locate(indices, in: elements)
            guard records == indices.count else { fatalError("images: locate found \(records) records") }
        }
        progress.start(.locateChained, options)
        results.locateChained = try perLookupPasses(options.lookupPasses, indices.count) {
            _ = try locateChained(indices, in: elements)
        }
        progress.start(.lookupChained, options)
        results.lookupChained = try perLookupPasses(options.lookupPasses, indices.count) {
            _ = try lookUpChained(indices, in: elements)
        }
        progress.start(.nullDecode, options)
        results.nullDecode = try perLookupPasses(options.lookupPasses, indices.count) {
            _ = try decodeFromNothing(indices.count)
        }
        progress.print(
            String(
                format: "elements[i]: %.1f ns median, first pass %.1f ns; find only %.1f ns; "
                    + "chained: find %.1f ns, elements[i] %.1f ns; Person from a decoder that reads nothing %.1f ns",
                results.lookup!.median,
                results.lookupFirstPass!.median,
                results.locate!.median,
                results.locateChained!.median,
                results.lookupChained!.median,
                results.nullDecode!.median
            )
        )
        if options.lookupsOnly { return }

        // One record's JSON at a time: the same index sequence (its first 100,000 entries).
        progress.start(.jsonRecords, options)
        let sample = Array(indices.prefix(100_000))
        let encoder = JSONEncoder()
        let records = try sample.map { try encoder.encode(people[$0]) }
        let expectedSample = sample.reduce(0) { $0 &+ people[$1].age &+ people[$1].name.utf8.count }
        results.jsonRecordsPerPass = records.count
        let decoder = JSONDecoder()
        var jsonPasses: [Double] = []
        for pass in 0...options.lookupPasses {
            let start = cab_now_ns()
            var sum = 0
            for record in records {
                let person = try decoder.decode(Person.self, from: record)
                sum = sum &+ person.age &+ person.name.utf8.count
            }
            let end = cab_now_ns()
            guard sum == expectedSample else { fatalError("images: JSON records decoded wrong") }
            if pass > 0 { jsonPasses.append(Double(end - start) / Double(records.count)) }
        }
        results.jsonRecordDecode = .init(unit: "ns", runs: jsonPasses)
    }

    /// The timed loop: decodes `elements[i]` for each index and folds in what it read.
    @inline(never)
    static func lookUp(_ indices: [Int], in elements: ImageElements<Person>) throws -> Int {
        var sum = 0
        for index in indices {
            let person = try elements[index]
            sum = sum &+ person.age &+ person.name.utf8.count
        }
        return sum
    }

    /// Finds each indexed record and reads its tag, without decoding it; returns how many were
    /// keyed containers (all of them).
    @inline(never)
    static func locate(_ indices: [Int], in elements: ImageElements<Person>) throws -> Int {
        var records = 0
        for index in indices where try elements.cursor(at: index).kind == .keyed {
            records += 1
        }
        return records
    }

    /// Like ``locate(_:in:)``, but each record's index depends on what was read from the record
    /// before (its field count), so no find overlaps the next: the full latency of the two
    /// dependent memory accesses (offset table entry, then record) of one find. The index moves
    /// by at most one, so the records are as random as the sequence's.
    @inline(never)
    static func locateChained(_ indices: [Int], in elements: ImageElements<Person>) throws -> Int {
        var carried = 0
        for index in indices {
            carried = try elements.cursor(at: (index &+ (carried & 1)) % elements.count).count
        }
        return carried
    }

    /// `elements[i]` with each index depending on the record read before (as in
    /// ``locateChained(_:in:)``): one lookup's full latency, none overlapping the next.
    @inline(never)
    static func lookUpChained(_ indices: [Int], in elements: ImageElements<Person>) throws -> Int {
        var carried = 0
        for index in indices {
            let person = try elements[(index &+ (carried & 1)) % elements.count]
            carried = person.age &+ person.name.utf8.count
        }
        return carried
    }

    /// `count` `Person`s decoded from a ``NullDecoder``: Codable's own cost per record, with no
    /// memory to read.
    @inline(never)
    static func decodeFromNothing(_ count: Int) throws -> Int {
        let decoder = NullDecoder(counter: NullDecoder.Counter())
        var sum = 0
        for _ in 0..<count {
            let person = try decodeThroughProtocol(Person.self, from: decoder)
            sum = sum &+ person.age &+ person.name.utf8.count
        }
        return sum
    }

    /// `T(from:)` through `any Decoder`, unspecialised, as a library reaches it.
    @inline(never)
    static func decodeThroughProtocol<T: Decodable>(_ type: T.Type, from decoder: any Decoder) throws -> T {
        try T(from: decoder)
    }

    /// Runs `body` `passes` times (after one untimed pass) and returns the time per operation
    /// of each pass, `operations` being how many one call does.
    static func perLookupPasses(
        _ passes: Int,
        _ operations: Int,
        _ body: () throws -> Void
    ) throws -> ImagesResults.Timing {
        var runs: [Double] = []
        for pass in 0...passes {
            let start = cab_now_ns()
            try body()
            let end = cab_now_ns()
            if pass > 0 { runs.append(Double(end - start) / Double(operations)) }
        }
        return .init(unit: "ns", runs: runs)
    }

    /// The process's minor page faults so far.
    static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    /// `get()` of the whole array (in memory and mapped) against `JSONDecoder` of the whole JSON.
    static func wholeArrayReadSteps(
        _ people: [Person],
        image: OffHeapImage<[Person]>,
        json: Data,
        options: Options,
        path: String,
        progress: RunProgress,
        into results: inout ImagesResults
    ) throws {
        let mapped = try MappedImage<[Person]>(contentsOf: path)
        var inMemory: [Double] = []
        var fromMapping: [Double] = []
        var decoding: [Double] = []
        for rep in 0..<options.wholeArrayReps {
            progress.start(.wholeArrayRead(rep: rep + 1), options)
            let get = try Stopwatch.time { try image.get() }
            guard get.result == people else { fatalError("images: get() differs") }
            inMemory.append(get.seconds)
            let getMapped = try Stopwatch.time { try mapped.get() }
            guard getMapped.result == people else { fatalError("images: mapped get() differs") }
            fromMapping.append(getMapped.seconds)
            let decode = try Stopwatch.time { try JSONDecoder().decode([Person].self, from: json) }
            guard decode.result == people else { fatalError("images: JSONDecoder differs") }
            decoding.append(decode.seconds)
            let format = "rep %d: get() %.3f s, mapped get() %.3f s, JSONDecoder %.3f s"
            progress.print(String(format: format, rep + 1, get.seconds, getMapped.seconds, decode.seconds))
        }
        results.getInMemory = .init(unit: "s", runs: inMemory)
        results.getMapped = .init(unit: "s", runs: fromMapping)
        results.jsonDecode = .init(unit: "s", runs: decoding)
    }

    /// `docs/benchmarks` of the repository this file is in.
    static func defaultOutputDirectory() -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/benchmarks").path
    }
}
