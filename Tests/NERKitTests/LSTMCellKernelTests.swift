import CKernels
import XCTest
@testable import NERKit

/// The inference step of CKernels (as dispatched, and each of its portable, AVX2 and AVX-512 paths
/// the CPU has) against the
/// training path's cell, bit for bit: tagging must give exactly the numbers training computed.
final class LSTMCellKernelTests: XCTestCase {
    func testInferenceCellGivesTheTrainingCellsBits() {
        var rng = SeededRandom(seed: 7)
        for H in [1, 3, 8, 13, 200] {
            let Hp = (H + 7) / 8 * 8, G = 4 * H
            for first in [true, false] {
                for scale in [Float(0.5), 4, 120] {  // 120: past exp's clamping bounds
                    let zx = (0..<G).map { _ in rng.uniform(scale) }
                    let bias = (0..<G).map { _ in rng.uniform(scale) }
                    let rec = (0..<G).map { _ in rng.uniform(scale) }
                    let cPrev = (0..<H).map { _ in rng.uniform(2) }
                    // Reference: the pre-activations as LSTMLayer.forward sums them, then forwardCell.
                    var z = [Float](repeating: 0, count: G)
                    for k in 0..<G {
                        let sum: Float = zx[k] + bias[k]
                        z[k] = first ? sum : sum + rec[k]
                    }
                    var c = [Float](repeating: 0, count: H), tc = c, h = c
                    var previous = cPrev
                    z.withUnsafeMutableBufferPointer { zp in
                        c.withUnsafeMutableBufferPointer { cp in
                            tc.withUnsafeMutableBufferPointer { tp in
                                h.withUnsafeMutableBufferPointer { hp in
                                    previous.withUnsafeMutableBufferPointer { pp in
                                        LSTMKernels.forwardCell(zp.baseAddress!, first ? nil : pp.baseAddress!, cp.baseAddress!,
                                                                tp.baseAddress!, hp.baseAddress!, H)
                                    }
                                }
                            }
                        }
                    }
                    for path: Int32 in [-1, 0, 1, 2] {  // -1: as dispatched
                        var scratch = [Float](repeating: 0, count: 4 * Hp)
                        var cState = [Float](repeating: 0, count: Hp), hState = cState
                        for j in 0..<H { cState[j] = cPrev[j] }
                        var out = [Float](repeating: .nan, count: H)
                        let taken = rec.withUnsafeBufferPointer { rp in
                            if path < 0 {
                                ner_lstm_infer_cell(zx, first ? nil : rp.baseAddress!, bias, &scratch, &cState, &hState, &out, H, Hp)
                                return path
                            }
                            return ner_lstm_infer_cell_on(path, zx, first ? nil : rp.baseAddress!, bias, &scratch, &cState,
                                                          &hState, &out, H, Hp)
                        }
                        if taken != path { continue }  // this CPU lacks the path
                        let label = "path \(path): H \(H), \(first ? "first step" : "later step"), scale \(scale)"
                        XCTAssertEqual(Array(cState[0..<H]).map(\.bitPattern), c.map(\.bitPattern), "\(label): cell state")
                        XCTAssertEqual(Array(hState[0..<H]).map(\.bitPattern), h.map(\.bitPattern), "\(label): hidden state")
                        XCTAssertEqual(out.map(\.bitPattern), h.map(\.bitPattern), "\(label): output")
                    }
                }
            }
        }
    }
}
