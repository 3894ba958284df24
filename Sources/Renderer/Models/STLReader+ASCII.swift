/// ASCII STL, read line by line:
///
///     solid name
///       facet normal nx ny nz
///         outer loop
///           vertex x y z   (three times)
///         endloop
///       endfacet
///     endsolid name
///
/// Keywords are case-insensitive and may be separated by any whitespace (CRLF included);
/// a file may hold several solids; names are optional and run to the end of their line.
extension STLReader {
    struct ASCIIParser: Sendable {
        /// The longest line accepted, in bytes.
        static let maxLineLength = 1024

        enum Expect: Equatable, Sendable {
            case solid, facetOrEndsolid, normalKeyword, outerKeyword, loopKeyword, endfacet
            /// A number: the normal's components are slots 0...2, vertex k's are 3 + 3k ... 5 + 3k.
            case number(slot: Int)
            /// `vertex` for corner `corner` < 3, or `endloop` after the third.
            case vertexOrEndloop(corner: Int)
        }

        var expect = Expect.solid
        var line: [UInt8] = []
        var lineNumber = 0
        var values = [Float](repeating: 0, count: 12)
        var facets = 0

        init() { line.reserveCapacity(Self.maxLineLength) }

        static func isWhitespace(_ b: UInt8) -> Bool {
            b == 0x20 || (b >= 0x09 && b <= 0x0D)
        }

        mutating func consume(_ bytes: UnsafeRawBufferPointer, into soup: inout TriangleSoup) throws(RendererError) {
            var start = 0
            while start < bytes.count {
                guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                    try hold(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                    return
                }
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
                start = newline + 1
                if line.isEmpty {
                    try checkLength(piece.count)
                    try parseLine(piece, into: &soup)
                } else {
                    try hold(piece)
                    let whole = line
                    line.removeAll(keepingCapacity: true)
                    try whole.withUnsafeBufferPointer { (buffer) throws(RendererError) in try parseLine(UnsafeRawBufferPointer(buffer), into: &soup) }
                }
            }
        }

        /// Parses the last line (if it has no newline) and checks that nothing is left open.
        mutating func finish(into soup: inout TriangleSoup) throws(RendererError) {
            if !line.isEmpty {
                let whole = line
                line = []
                do throws(RendererError) {
                    try whole.withUnsafeBufferPointer { (buffer) throws(RendererError) in
                        try parseLine(UnsafeRawBufferPointer(buffer), into: &soup)
                    }
                } catch where error.code == .stlNotSTL && expect != .solid {
                    // A last line without its newline that breaks off mid-token: the file was cut.
                    throw RendererError(
                        .stlTruncated, "the ASCII STL file ends inside facet \(facets) (line \(lineNumber))",
                        underlying: error)
                }
            }
            switch expect {
            case .solid:
                if facets == 0 { throw RendererError(.stlEmpty, "the ASCII STL file holds no facets") }
            case .facetOrEndsolid:
                throw RendererError(.stlTruncated, "the ASCII STL file ends before 'endsolid' (line \(lineNumber))")
            default:
                throw RendererError(.stlTruncated, "the ASCII STL file ends inside facet \(facets) (line \(lineNumber))")
            }
        }

        private mutating func hold(_ piece: UnsafeRawBufferPointer) throws(RendererError) {
            try checkLength(line.count + piece.count, number: lineNumber + 1)
            line.append(contentsOf: piece)
        }

        private func checkLength(_ length: Int, number: Int? = nil) throws(RendererError) {
            guard length <= Self.maxLineLength else {
                throw RendererError(
                    .stlNotSTL, "line \(number ?? lineNumber + 1) is longer than \(Self.maxLineLength) bytes")
            }
        }

        private mutating func parseLine(_ text: UnsafeRawBufferPointer, into soup: inout TriangleSoup) throws(RendererError) {
            lineNumber += 1
            var i = 0
            while i < text.count {
                while i < text.count, Self.isWhitespace(text[i]) { i += 1 }
                guard i < text.count else { return }
                let tokenStart = i
                while i < text.count, !Self.isWhitespace(text[i]) { i += 1 }
                let token = UnsafeRawBufferPointer(rebasing: text[tokenStart..<i])
                if try !take(token, into: &soup) { return }  // the rest of the line is a name
            }
        }

        /// Advances the state machine by one token. Returns false when the rest of the line
        /// is to be skipped (the name after `solid` or `endsolid`).
        private mutating func take(_ token: UnsafeRawBufferPointer, into soup: inout TriangleSoup) throws(RendererError) -> Bool {
            switch expect {
            case .solid:
                try keyword("solid", token)
                expect = .facetOrEndsolid
                return false
            case .facetOrEndsolid:
                if Self.matches("endsolid", token) {
                    expect = .solid
                    return false
                }
                try keyword("facet", token, or: "endsolid")
                expect = .normalKeyword
            case .normalKeyword:
                try keyword("normal", token)
                expect = .number(slot: 0)
            case .number(let slot):
                guard let value = DecimalParser.parse(token) else {
                    throw malformed(expected: "a number", token)
                }
                values[slot] = value
                switch slot {
                case 2: expect = .outerKeyword
                case 5, 8, 11: expect = .vertexOrEndloop(corner: (slot - 2) / 3)
                default: expect = .number(slot: slot + 1)
                }
            case .outerKeyword:
                try keyword("outer", token)
                expect = .loopKeyword
            case .loopKeyword:
                try keyword("loop", token)
                expect = .vertexOrEndloop(corner: 0)
            case .vertexOrEndloop(let corner) where corner < 3:
                try keyword("vertex", token)
                expect = .number(slot: 3 + 3 * corner)
            case .vertexOrEndloop:
                try keyword("endloop", token)
                expect = .endfacet
            case .endfacet:
                try keyword("endfacet", token)
                try values.withUnsafeBufferPointer { (buffer) throws(RendererError) in try soup.append(buffer) }
                facets += 1
                expect = .facetOrEndsolid
            }
            return true
        }

        private func keyword(_ word: String, _ token: UnsafeRawBufferPointer, or other: String? = nil) throws(RendererError) {
            guard Self.matches(word, token) else {
                throw malformed(expected: other.map { "'\(word)' or '\($0)'" } ?? "'\(word)'", token)
            }
        }

        private func malformed(expected: String, _ token: UnsafeRawBufferPointer) -> RendererError {
            let shown = String(decoding: token.prefix(40).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            return RendererError(.stlNotSTL, "line \(lineNumber): expected \(expected), found '\(shown)'")
        }

        /// Case-insensitive comparison of an ASCII keyword with a token.
        static func matches(_ word: String, _ token: UnsafeRawBufferPointer) -> Bool {
            var utf8 = word.utf8.makeIterator()
            for byte in token {
                guard let w = utf8.next(), byte | 0x20 == w else { return false }
            }
            return utf8.next() == nil
        }
    }
}
