import Foundation

/// The text and JSON forms of one run, and the goals of issue 6 checked against it.
struct ImagesReport {
    let results: ImagesResults

    /// One goal: what it asks, what was measured, whether it is met (nil: not measured).
    struct Goal {
        let text: String
        let measured: String
        let met: Bool?
    }

    var goals: [Goal] {
        var goals: [Goal] = []
        if let open = results.open {
            goals.append(Goal(text: "MappedImage opens in under 1 ms", measured: String(format: "%.4f ms", open.median / 1e6), met: open.median < 1e6))
        }
        if let lookup = results.lookup {
            goals.append(Goal(text: "a random elements[i] takes under 300 ns", measured: String(format: "%.0f ns", lookup.median), met: lookup.median < 300))
        }
        if let speedup = results.copySpeedup {
            goals.append(Goal(text: "OffHeap.copy at least 3x faster than JSONEncoder", measured: String(format: "%.2fx", speedup.median), met: speedup.median >= 3))
        }
        if results.jsonBytes > 0 {
            goals.append(
                Goal(
                    text: "the image is smaller than the JSON",
                    measured: "\(megabytes(results.imageBytes)) against \(megabytes(results.jsonBytes))",
                    met: results.imageBytes < results.jsonBytes
                )
            )
        }
        return goals
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    private func seconds(_ timing: ImagesResults.Timing?) -> String {
        guard let timing else { return "not measured" }
        return String(format: "%.3f s", timing.median)
    }

    private func nanoseconds(_ timing: ImagesResults.Timing?) -> String {
        guard let timing else { return "not measured" }
        return String(format: "%.0f ns", timing.median)
    }

    private func spread(_ timing: ImagesResults.Timing?, _ format: String) -> String {
        guard let timing, timing.runs.count > 1 else { return "" }
        return "(" + String(format: format, timing.runs.min()!) + " to " + String(format: format, timing.runs.max()!) + ")"
    }

    func markdown() -> String {
        let r = results
        let perRecordWholeJSON = r.jsonDecode.map { String(format: "%.0f ns", $0.median / Double(r.count) * 1e9) } ?? "not measured"
        let perRecordGet = r.getMapped.map { String(format: "%.0f ns", $0.median / Double(r.count) * 1e9) } ?? "not measured"
        var lines: [String] = [
            "# Off-heap images: `[Person]` against Foundation's JSON",
            "",
            "Written by `Benchmarks/Sources/images` (issue 6). Command:",
            "",
            "```sh",
            r.command,
            "```",
            "",
            "- Date (the machine's clock, which may be off): \(r.date)",
            "- Machine: \(r.machine?.summary ?? "unknown")",
            "- Records: \(r.count) `Person { name: String, age: Int, height: Int }`, names of 2 to about 40 bytes, about one in eight with a non-ASCII letter",
            "- Whole-array steps: median of \(r.wholeArrayReps) run(s) each. Lookups: \(r.lookupsPerPass) seeded random indices per pass, one first pass on a fresh mapping, then the median of \(r.lookupPasses) passes. One record's JSON: the first \(r.jsonRecordsPerPass) indices of the same sequence, each record encoded on its own beforehand, one `JSONDecoder` reused, the same passes.",
            "- Peak RSS \(r.peakRSSMiB) MiB; the run took \(String(format: "%.0f", r.totalSeconds)) s",
            "",
            "| step | ShardedHeap | Foundation JSON | ratio |",
            "| --- | --- | --- | --- |",
            "| write the array | `OffHeap.copy` \(seconds(r.copy)) \(spread(r.copy, "%.3f")) | `JSONEncoder().encode` \(seconds(r.jsonEncode)) \(spread(r.jsonEncode, "%.3f")) | \(r.copySpeedup.map { String(format: "%.2fx faster", $0.median) } ?? "") |",
            "| bytes | image \(megabytes(r.imageBytes)) | JSON \(megabytes(r.jsonBytes)) | \(r.jsonBytes > 0 ? String(format: "%.2f", Double(r.imageBytes) / Double(r.jsonBytes)) : "") |",
            "| open | `MappedImage(contentsOf:)` \(r.open.map { String(format: "%.4f ms", $0.median / 1e6) } ?? "") (median of \(r.open?.runs.count ?? 0)) | (JSON has no open: it is decoded) | |",
            "| one random record | `elements[i]` \(nanoseconds(r.lookup)) \(spread(r.lookup, "%.0f")); first pass \(nanoseconds(r.lookupFirstPass)) | `JSONDecoder` of one record's JSON \(nanoseconds(r.jsonRecordDecode)) \(spread(r.jsonRecordDecode, "%.0f")) | \(ratio(r.jsonRecordDecode, r.lookup)) |",
            "| find one random record, not decode it | `elements.cursor(at: i).kind` \(nanoseconds(r.locate)) \(spread(r.locate, "%.0f")) | | |",
            "| read the whole array | `image.get()` \(seconds(r.getInMemory)); `MappedImage.get()` \(seconds(r.getMapped)) (\(perRecordGet) per record) | `JSONDecoder().decode` \(seconds(r.jsonDecode)) (\(perRecordWholeJSON) per record) | \(ratio(r.jsonDecode, r.getMapped)) |",
            "",
            "Image file written (temporary file, fsync, rename) in \(String(format: "%.2f", r.writeFileSeconds)) s; building the records took \(String(format: "%.2f", r.buildSeconds)) s.",
            "",
            "## Goals",
            "",
            "| goal | measured | met |",
            "| --- | --- | --- |",
        ]
        for goal in goals {
            lines.append("| \(goal.text) | \(goal.measured) | \(goal.met.map { $0 ? "yes" : "**no**" } ?? "not measured") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "N.NNx faster" for slower / faster.
    private func ratio(_ slower: ImagesResults.Timing?, _ faster: ImagesResults.Timing?) -> String {
        guard let slower, let faster, faster.median > 0 else { return "" }
        return String(format: "%.2fx faster", slower.median / faster.median)
    }

    /// Writes `images.md` and `images.json` into `directory`.
    func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: directory + "/images.json"))
        try Data(markdown().utf8).write(to: URL(fileURLWithPath: directory + "/images.md"))
    }
}
