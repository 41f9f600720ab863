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
    var jsonRecordDecode: Timing?
    var getInMemory: Timing?
    var getMapped: Timing?
    var jsonDecode: Timing?
    var peakRSSMiB = 0
    var totalSeconds = 0.0
}
