/// The validated contents of a safetensors header: every tensor's dtype, shape and byte range
/// checked for consistency and laid out contiguously from offset 0, so reading the data needs
/// no further checks beyond the file size.
struct SafeTensorsHeader {
    struct Entry {
        var name: String
        var dtype: TensorDType
        var shape: [Int]
        var count: Int
        var begin: Int
        var end: Int
    }

    /// Tensors sorted by their position in the data section.
    var tensors: [Entry]
    var metadata: [String: String]
    /// Byte size of the data section the header describes.
    var dataEnd: Int

    static func parse(_ bytes: Slice<UnsafeRawBufferPointer>, path: String) throws -> SafeTensorsHeader {
        func corrupted(_ message: String) -> NERError {
            NERError(path: path, "model file is corrupted: \(message)")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(Array(bytes)[...])
        } catch let e as HeaderJSON.SyntaxError {
            throw corrupted("header is not valid JSON (\(e.message) at header byte \(e.offset))")
        }
        guard case .object(let entries) = json else {
            throw corrupted("header is \(json.kind), not a JSON object")
        }

        var metadata: [String: String] = [:]
        var tensors: [Entry] = []
        for (key, value) in entries {
            if key == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw corrupted("__metadata__ is \(value.kind), not an object")
                }
                for (k, v) in pairs {
                    guard case .string(let s) = v else {
                        throw corrupted("metadata '\(k)' is \(v.kind), not a string")
                    }
                    metadata[k] = s
                }
            } else {
                tensors.append(try entry(named: key, value, corrupted))
            }
        }

        tensors.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        var previous: Entry?
        for t in tensors {
            if t.begin < expected, let p = previous {
                throw corrupted("tensor '\(t.name)' (bytes \(t.begin)..<\(t.end)) overlaps tensor '\(p.name)' (bytes \(p.begin)..<\(p.end))")
            }
            if t.begin > expected {
                throw corrupted("\(t.begin - expected) unused bytes before tensor '\(t.name)' (tensors must be packed without gaps)")
            }
            expected = t.end
            previous = t
        }
        return SafeTensorsHeader(tensors: tensors, metadata: metadata, dataEnd: expected)
    }

    private static func entry(named name: String, _ value: HeaderJSON, _ corrupted: (String) -> NERError) throws -> Entry {
        guard case .object(let fields) = value else {
            throw corrupted("tensor '\(name)' is described by \(value.kind), not an object")
        }
        var dtypeField: HeaderJSON?, shapeField: HeaderJSON?, offsetsField: HeaderJSON?
        for (k, v) in fields {
            switch k {
            case "dtype": dtypeField = v
            case "shape": shapeField = v
            case "data_offsets": offsetsField = v
            default: throw corrupted("tensor '\(name)' has an unknown field '\(k)'")
            }
        }
        guard case .string(let dtypeName)? = dtypeField else {
            throw corrupted("tensor '\(name)' has no dtype string")
        }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            let known = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw corrupted("tensor '\(name)' has unsupported dtype '\(dtypeName)' (expected one of \(known))")
        }
        guard case .array(let dims)? = shapeField else {
            throw corrupted("tensor '\(name)' has no shape array")
        }
        let shape = dims.compactMap(\.nonNegativeInt)
        guard shape.count == dims.count else {
            throw corrupted("tensor '\(name)' has a shape that is not a list of non-negative integers")
        }
        guard case .array(let offsets)? = offsetsField, offsets.count == 2,
              let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt, begin <= end
        else {
            throw corrupted("tensor '\(name)' has invalid data_offsets (expected [begin, end] with 0 <= begin <= end)")
        }
        guard let count = StoredTensor.elementCount(of: shape),
              case let (size, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize), !overflow
        else {
            throw corrupted("tensor '\(name)' has an impossibly large shape \(shape)")
        }
        guard size == end - begin else {
            throw corrupted("tensor '\(name)': data_offsets [\(begin), \(end)] span \(end - begin) bytes, but \(dtype.rawValue) shape \(shape) needs \(size)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
    }
}
