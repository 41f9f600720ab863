/// Why an allocation failed. Every case names what was asked for.
///
/// Invalid arguments (a negative size, an alignment that is not a power of two) are programmer
/// errors and trap instead; these errors are the failures a caller can handle.
public enum AllocationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The allocator could not find `requested` bytes with `alignment`.
    case outOfMemory(requested: Int, alignment: Int)
    /// A shard with a memory limit would go over it: `live` usable bytes are allocated on the
    /// shard and not yet freed, and `live + requested` would pass `limit`.
    case limitExceeded(shard: Int, limit: Int, live: Int, requested: Int)

    public var description: String {
        switch self {
        case .outOfMemory(let requested, let alignment):
            "out of memory allocating \(requested) bytes with alignment \(alignment)"
        case .limitExceeded(let shard, let limit, let live, let requested):
            "shard \(shard) would exceed its memory limit of \(limit) bytes: \(live) bytes live, "
                + "\(requested) more requested"
        }
    }
}
