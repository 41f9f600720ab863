/// The `Decoder` a value sees when it is rebuilt from an image: a pass's state and where the
/// value is. Three words, so handing it to `init(from:)` allocates nothing.
struct ImageDecoder: Decoder {
    let state: ImageReaderState
    let ref: ImageNodeRef

    var codingPath: [any CodingKey] { state.path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let keyed: ImageKeyedNode
        if ref.element < 0, let valid = state.bytes.keyedNodeIfValid(at: ref.offset) {
            keyed = valid
        } else {
            // Not a well-formed keyed node: the general parse throws what is wrong.
            let node = try state.bytes.node(ref)
            guard case .keyed(let parsed) = node else {
                throw state.mismatch([String: Any].self, expected: "keyed container", found: node, at: ref)
            }
            keyed = parsed
        }
        if keyed.count > ImageReaderState.largeContainer { try state.prepareFieldIndex(of: keyed) }
        return KeyedDecodingContainer(ImageKeyedDecodingContainer<Key>(state: state, node: keyed))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let node = try state.bytes.node(ref)
        switch node {
        case .array(let array): return ImageUnkeyedDecodingContainer(state: state, source: .nodes(array))
        case .scalarArray(let array): return ImageUnkeyedDecodingContainer(state: state, source: .scalars(array))
        default: throw state.mismatch([Any].self, expected: "array", found: node, at: ref)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ImageSingleValueDecodingContainer(state: state, ref: ref)
    }
}
