/// Everything one run measured; `images.json` is this, encoded.
struct ImagesResults: Codable {
    /// One timed step: the median and every run, in seconds (whole-array steps) or nanoseconds
    /// per operation (opens and lookups), as `unit` says.
    struct Timing: Codable {
        let unit: String
        let median: Double
        let runs: [Double]

        init(unit: String, runs: [Double]) {
            self.unit = unit
            self.runs = runs
            self.median = Stopwatch.median(runs)
        }
    }

    var command = ""
    var date = ""
    var machine: MachineInfo?
    var count = 0
    var wholeArrayReps = 0
    var lookupsPerPass = 0
    var lookupPasses = 0
    var jsonRecordsPerPass = 0

    var buildSeconds = 0.0
    var copy: Timing?
    var jsonEncode: Timing?
    /// Per run, JSONEncoder time / OffHeap.copy time (the two runs of one repetition).
    var copySpeedup: Timing?
    var imageBytes = 0
    var jsonBytes = 0
    var writeFileSeconds = 0.0
    var open: Timing?
    var lookupFirstPass: Timing?
    var lookup: Timing?
    /// `elements.cursor(at: i).kind` over the same indices: finding the record and reading its
    /// first byte, without decoding it (the memory-latency floor of a lookup).
    var locate: Timing?
    /// `elements.cursor(at: i).count` with each index depending on the record found before: one
    /// find's full latency (two dependent memory accesses), no find overlapping the next.
    var locateChained: Timing?
    /// `elements[i]` with each index depending on the record read before: one lookup's full
    /// latency, no lookup overlapping the next.
    var lookupChained: Timing?
    /// `Person(from:)` from a decoder that reads nothing (``NullDecoder``): Codable's own cost
    /// per record.
    var nullDecode: Timing?
    /// Minor page faults during the first lookup pass, and during each timed pass.
    var firstPassFaults = 0
    var lookupPassFaults: Timing?
    var jsonRecordDecode: Timing?
    var getInMemory: Timing?
    var getMapped: Timing?
    var jsonDecode: Timing?
    var peakRSSMiB = 0
    var totalSeconds = 0.0
}
