/// One step of an `images` run, for its progress line: what it is called and how long it is
/// expected to take.
///
/// The weights are nanoseconds per record (or per lookup) of the run in docs/benchmarks/images.md
/// (10,000,000 records on a 2-core AMD EPYC, 90 s): they give the first estimate of the time left
/// and the relative sizes of the steps; ``RunProgress`` then scales them to this machine's speed.
enum ImagesStep {
    case build
    case copy(rep: Int)
    case encode(rep: Int)
    case writeFile
    case opens
    case lookups
    case locate
    case locateChained
    case lookupChained
    case nullDecode
    case jsonRecords
    case wholeArrayRead(rep: Int)

    /// Every step a run with `options` makes, in order.
    static func plan(_ options: Options) -> [ImagesStep] {
        var steps: [ImagesStep] = [.build]
        if options.lookupsOnly {
            steps.append(.copy(rep: 1))
        } else {
            for rep in 1...options.wholeArrayReps { steps += [.copy(rep: rep), .encode(rep: rep)] }
        }
        steps += [.writeFile, .opens, .lookups, .locate, .locateChained, .lookupChained, .nullDecode]
        if !options.lookupsOnly {
            steps.append(.jsonRecords)
            for rep in 1...options.wholeArrayReps { steps.append(.wholeArrayRead(rep: rep)) }
        }
        return steps
    }

    /// What the progress line calls it.
    func title(_ options: Options) -> String {
        let reps = options.lookupsOnly ? 1 : options.wholeArrayReps
        switch self {
        case .build: return "build \(options.count) records"
        case .copy(let rep): return "OffHeap.copy, rep \(rep) of \(reps)"
        case .encode(let rep): return "JSONEncoder, rep \(rep) of \(reps)"
        case .writeFile: return "write the image file"
        case .opens: return "\(options.opens) opens"
        case .lookups: return "elements[i], \(options.lookupPasses + 1) passes"
        case .locate: return "find only, \(options.lookupPasses + 1) passes"
        case .locateChained: return "find, chained, \(options.lookupPasses + 1) passes"
        case .lookupChained: return "elements[i], chained, \(options.lookupPasses + 1) passes"
        case .nullDecode: return "Codable alone, \(options.lookupPasses + 1) passes"
        case .jsonRecords: return "one record's JSON, \(options.lookupPasses + 1) passes"
        case .wholeArrayRead(let rep): return "get() and JSONDecoder, rep \(rep) of \(reps)"
        }
    }

    /// Expected nanoseconds on the reference machine.
    func weight(_ options: Options) -> Double {
        let records = Double(options.count)
        let passes = Double(options.lookupPasses + 1) * Double(options.lookups)
        switch self {
        case .build: return 460 * records
        case .copy: return 545 * records
        case .encode: return 2_670 * records
        case .writeFile: return 120 * records
        case .opens: return 20_500 * Double(options.opens)
        case .lookups: return 700 * passes
        case .locate: return 205 * passes
        case .locateChained: return 385 * passes
        case .lookupChained: return 675 * passes
        case .nullDecode: return 200 * passes
        case .jsonRecords:
            // Each sampled record encoded once, then decoded in every pass.
            let sample = Double(min(options.lookups, 100_000))
            return 2_700 * sample + 2_540 * sample * Double(options.lookupPasses + 1)
        // get(), mapped get() and JSONDecoder (436 + 450 + 2,219 ns per record), and the three
        // comparisons with the source array.
        case .wholeArrayRead: return 3_400 * records
        }
    }
}
