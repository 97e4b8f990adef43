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

    /// Two sequences in one call (`ner_lstm_infer_cell_pair`, as dispatched and on each path the
    /// CPU has) give each the bits of its own `ner_lstm_infer_cell`, at the first and later steps,
    /// including past exp's clamping bounds and with a last block of fewer than 16 units.
    func testTheTwoSequenceStepGivesEachSequenceItsOneSequenceBits() {
        var rng = SeededRandom(seed: 11)
        for H in [1, 13, 16, 200] {
            let Hp = (H + 7) / 8 * 8, G = 4 * H
            for first in [true, false] {
                for scale in [Float(0.5), 4, 120] {
                    let zx = (0..<2).map { _ in (0..<G).map { _ in rng.uniform(scale) } }
                    let bias = (0..<G).map { _ in rng.uniform(scale) }
                    let rec = (0..<(2 * G)).map { _ in rng.uniform(scale) }  // the two rows, consecutive
                    let cStart = (0..<(2 * Hp)).map { _ in rng.uniform(2) }
                    // Reference: one call per sequence, as dispatched.
                    var cOne = cStart, hOne = [Float](repeating: 0, count: 2 * Hp)
                    var outOne = [[Float]](repeating: [Float](repeating: .nan, count: H), count: 2)
                    var scratch = [Float](repeating: 0, count: 4 * Hp)
                    for r in 0..<2 {
                        rec.withUnsafeBufferPointer { rp in
                            cOne.withUnsafeMutableBufferPointer { cp in
                                hOne.withUnsafeMutableBufferPointer { hp in
                                    ner_lstm_infer_cell(zx[r], first ? nil : rp.baseAddress! + r * G, bias, &scratch,
                                                        cp.baseAddress! + r * Hp, hp.baseAddress! + r * Hp, &outOne[r], H, Hp)
                                }
                            }
                        }
                    }
                    for path: Int32 in [-1, 0, 1, 2] {  // -1: as dispatched
                        var c = cStart, h = [Float](repeating: 0, count: 2 * Hp)
                        var out0 = [Float](repeating: .nan, count: H), out1 = out0
                        let taken = rec.withUnsafeBufferPointer { rp in
                            let recP = first ? nil : rp.baseAddress!
                            if path < 0 {
                                ner_lstm_infer_cell_pair(zx[0], zx[1], recP, bias, &scratch, &c, &h, &out0, &out1, H, Hp)
                                return path
                            }
                            return ner_lstm_infer_cell_pair_on(path, zx[0], zx[1], recP, bias, &scratch, &c, &h, &out0, &out1, H, Hp)
                        }
                        if taken != path { continue }  // this CPU lacks the path
                        let label = "path \(path): H \(H), \(first ? "first step" : "later step"), scale \(scale)"
                        for r in 0..<2 {
                            let range = (r * Hp)..<(r * Hp + H)
                            XCTAssertEqual(Array(c[range]).map(\.bitPattern), Array(cOne[range]).map(\.bitPattern), "\(label): row \(r) cell state")
                            XCTAssertEqual(Array(h[range]).map(\.bitPattern), Array(hOne[range]).map(\.bitPattern), "\(label): row \(r) hidden state")
                        }
                        XCTAssertEqual(out0.map(\.bitPattern), outOne[0].map(\.bitPattern), "\(label): row 0 output")
                        XCTAssertEqual(out1.map(\.bitPattern), outOne[1].map(\.bitPattern), "\(label): row 1 output")
                    }
                }
            }
        }
    }
}
