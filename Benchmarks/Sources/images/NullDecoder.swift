/// A `Decoder` that reads nothing: every `String` is one fixed name (made anew each time, as a
/// decoder must) and every `Int` a counter. Decoding a `Person` from it costs only Codable's
/// own machinery (the keyed container's box, its metadata, dispatch, the `String`), which is a
/// floor under any Codable decoder's time per record.
struct NullDecoder: Decoder {
    /// Counts decoded fields, so the values differ and the work cannot be skipped.
    final class Counter {
        @exclusivity(unchecked) var fields = 0
    }

    let counter: Counter

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(NullKeyedContainer<Key>(counter: counter))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "NullDecoder: keyed only"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "NullDecoder: keyed only"))
    }
}
