import NIOCore
import OffHeapImages
import ShardedHeap

/// What both servers do for a request, given where they keep request data and write responses.
enum Handlers {
    /// `{"id":…,"name":"…","age":…,"score":…}` for record `id`, or nil when out of range.
    static func record(
        _ id: Int,
        from records: MappedImage<[Record]>,
        count: Int,
        into allocator: ByteBufferAllocator
    ) throws -> ByteBuffer? {
        guard id >= 0 && id < count else { return nil }
        let record = try records.elements[id]
        var buffer = allocator.buffer(capacity: 96)
        buffer.writeStaticString("{\"id\":")
        buffer.writeString(String(id))
        buffer.writeStaticString(",\"name\":\"")
        buffer.writeString(record.name)  // generated names are lowercase letters: no escaping
        buffer.writeStaticString("\",\"age\":")
        buffer.writeString(String(record.age))
        buffer.writeStaticString(",\"score\":")
        buffer.writeString(String(record.score))
        buffer.writeStaticString("}")
        return buffer
    }

    /// Parses a JSON array of integers, handing each to `append`, or returns false when the body
    /// is not one.
    static func parseIntegers(_ body: ByteBuffer, append: (Int) -> Void) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            var index = 0
            func skipSpace() {
                while index < bytes.count,
                    bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
                { index += 1 }
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return false }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return true }
            while index < bytes.count {
                skipSpace()
                var negative = false
                if bytes[index] == UInt8(ascii: "-") {
                    negative = true
                    index += 1
                }
                var value = 0
                var digits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
                    value = value * 10 + Int(bytes[index] - 0x30)
                    index += 1
                    digits += 1
                }
                guard digits > 0 else { return false }
                append(negative ? -value : value)
                skipSpace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "]") { return true }
                guard bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
            return false
        }
    }

    /// `{"count":…,"sum":…,"min":…,"max":…,"median":…}` of `numbers` (which it sorts).
    static func aggregate<C: MutableCollection & RandomAccessCollection<Int>>(
        _ numbers: inout C,
        into allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        numbers.sort()
        var buffer = allocator.buffer(capacity: 128)
        buffer.writeStaticString("{\"count\":")
        buffer.writeString(String(numbers.count))
        guard let first = numbers.first, let last = numbers.last else {
            buffer.writeStaticString("}")
            return buffer
        }
        buffer.writeStaticString(",\"sum\":")
        buffer.writeString(String(numbers.reduce(0, &+)))
        buffer.writeStaticString(",\"min\":")
        buffer.writeString(String(first))
        buffer.writeStaticString(",\"max\":")
        buffer.writeString(String(last))
        buffer.writeStaticString(",\"median\":")
        buffer.writeString(String(numbers[numbers.index(numbers.startIndex, offsetBy: numbers.count / 2)]))
        buffer.writeStaticString("}")
        return buffer
    }
}
