/// The one error type of the benchmarks: a bench that cannot run, or whose results show
/// it measured something other than it meant to, says so in one sentence.
package struct BenchError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
