// Read and write throughput of the UBL reader and writer, on the shared corpus and on generated
// invoices of 10 … 10,000 lines, and peak memory for reading one large invoice.
//
//   swift run -c release --package-path bench UBLBenchmarks [--corpus DIR] [--seconds S]
import BenchSupport
import EInvoice
import Foundation
import HardenedXML

#if canImport(Glibc)
    import Glibc
#endif

// Child mode: read one file once and report the peak resident memory.
try measurePeakMemoryIfChild { bytes in _ = try UBLReader().read(bytes) }

let seconds = Double(option("--seconds") ?? "2") ?? 2
let corpusFolder =
    option("--corpus")
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("shared/corpus").path

var corpus: [[UInt8]] = []
if let enumerator = FileManager.default.enumerator(atPath: corpusFolder) {
    for case let path as String in enumerator where path.hasSuffix(".xml") && !path.hasPrefix("unit-tests") {
        corpus.append([UInt8](FileManager.default.contents(atPath: corpusFolder + "/" + path)!))
    }
}

print("UBL reader and writer — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
print("")
if !corpus.isEmpty {
    let reader = UBLReader()
    let writer = UBLWriter()
    let totalBytes = corpus.reduce(0) { $0 + $1.count }
    let models = corpus.map { try! reader.read($0) }
    let written = models.reduce(0) { $0 + writer.write($1).count }
    let readTime = measure(seconds: seconds) { for document in corpus { _ = try! reader.read(document) } }
    let writeTime = measure(seconds: seconds) { for model in models { _ = writer.write(model) } }
    print("corpus: \(corpus.count) documents, \(totalBytes / 1024) KiB")
    print("  read : \(format(Double(totalBytes) / readTime / 1e6)) MB/s, \(format(Double(corpus.count) / readTime, 0)) documents/s")
    print("  write: \(format(Double(written) / writeTime / 1e6)) MB/s, \(format(Double(corpus.count) / writeTime, 0)) documents/s")
    print("")
}

print("generated SI-UBL invoices:")
print("  lines      size      read MB/s   read µs/line   write MB/s   write µs/line")
var largest: [UInt8] = []
for lines in [10, 100, 1_000, 10_000] {
    let invoice = ExampleInvoices.siUBL(lineCount: lines)
    let bytes = UBLWriter().write(invoice)
    largest = bytes
    let readTime = measure(seconds: seconds) { _ = try! UBLReader().read(bytes) }
    let writeTime = measure(seconds: seconds) { _ = UBLWriter().write(invoice) }
    let size = bytes.count >= 1_000_000 ? "\(format(Double(bytes.count) / 1e6)) MB" : "\(bytes.count / 1000) KB"
    print(
        "  \(String(lines).padding(toLength: 9, withPad: " ", startingAt: 0))  \(size.padding(toLength: 8, withPad: " ", startingAt: 0))  "
            + "\(format(Double(bytes.count) / readTime / 1e6).padding(toLength: 10, withPad: " ", startingAt: 0))  "
            + "\(format(readTime * 1e6 / Double(lines), 2).padding(toLength: 13, withPad: " ", startingAt: 0))  "
            + "\(format(Double(bytes.count) / writeTime / 1e6).padding(toLength: 11, withPad: " ", startingAt: 0))  "
            + "\(format(writeTime * 1e6 / Double(lines), 2))")
}

// Peak memory of reading the 10,000-line invoice, in a fresh process so nothing else counts.
if let (before, after) = try peakMemoryInChild(of: largest, name: "efactuur-bench-10000.xml") {
    let growth = after - before
    print("")
    print(
        "peak memory reading the 10,000-line invoice (\(format(Double(largest.count) / 1e6)) MB): "
            + "+\(format(Double(growth) / 1e6)) MB over the process's \(format(Double(before) / 1e6)) MB = "
            + "\(format(Double(growth) / Double(largest.count), 2))× the file size")
}

// Where the reading time goes: the XML tree alone, then the mapping to the model.
if CommandLine.arguments.contains("--split") {
    let bytes = largest
    let xmlTime = measure(seconds: seconds) { _ = try! XMLReader().read(bytes) }
    print("xml tree only: \(format(Double(bytes.count) / xmlTime / 1e6)) MB/s")
}
