/// Why a `ShardGroup` could not be created.
public enum ShardGroupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// mimalloc could not reserve the exclusive arena that caps shard `shard` at
    /// `requestedBytes`. A process holds at most 64 arenas and never releases one, so this is
    /// what creating too many memory-limited shards gives; `code` is mimalloc's error number.
    case arenaUnavailable(shard: Int, requestedBytes: Int, code: Int32)

    public var description: String {
        switch self {
        case .arenaUnavailable(let shard, let requestedBytes, let code):
            "cannot reserve an exclusive mimalloc arena of \(requestedBytes) bytes for shard \(shard) "
                + "(error \(code)); a process holds at most 64 arenas and never releases them"
        }
    }
}
