import Foundation
import OffHeapImages

/// The data set: `count` generated records in an image file, mapped read-only.
enum RecordStore {
    static func open(path: String, count: Int) throws -> MappedImage<[Record]> {
        if let mapped = try? MappedImage<[Record]>(contentsOf: path), (try? mapped.elements.count) == count {
            return mapped
        }
        // Made in a child process would keep the generation's memory out of this one's peak;
        // here it is made once and kept, and the load script makes it before measuring.
        FileHandle.standardError.write(Data("json-api-server: writing \(count) records to \(path)\n".utf8))
        let image = try OffHeap.copy((0..<count).map(Record.generated))
        try image.write(to: path)
        return try MappedImage<[Record]>(contentsOf: path)
    }
}
