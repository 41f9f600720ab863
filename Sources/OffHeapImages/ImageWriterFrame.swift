/// One container being encoded: its children so far, or the numbers of a scalar array so far.
///
/// Frames are kept in ``ImageWriter/frames`` and reused, with their arrays' capacity, so that
/// encoding a table of records allocates no arrays per record.
struct ImageWriterFrame {
    enum Kind: UInt8 {
        case free, undecided, keyed, unkeyed, single
    }

    var kind: Kind = .free
    /// Bumped whenever the frame is released, so that a container kept past its value's
    /// encoding is detected instead of writing into a reused frame.
    var generation: UInt32 = 0
    /// The number of containers around this one (the root's frame has depth 1).
    var depth: Int = 0
    /// Key ids of a keyed frame, one per target.
    var keys: [UInt32] = []
    /// Children: a node offset (>= 0), or a nested frame not yet finished (-1 - frame id).
    var targets: [Int] = []
    /// The element code of a scalar array being packed (0: none yet or not packed).
    var elementCode: UInt8 = 0
    /// Where the packed numbers start.
    var dataStart: Int = 0
    /// How many numbers are packed.
    var elementCount: Int = 0
}
