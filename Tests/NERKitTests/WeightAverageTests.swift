import XCTest
@testable import NERKit

final class WeightAverageTests: XCTestCase {
    /// Dense and lazily averaged sparse parameters both follow a ← d·a + (1 − d)·w per step.
    func testAverageFollowsTheDefinitionIncludingLazyRows() {
        let dense = Parameter("dense", shape: [2])
        let table = Parameter("table", shape: [3, 2], sparseRows: true)
        dense.setValues([1, 1]); table.setValues([1, 1, 1, 1, 1, 1])
        let avg = WeightAverage(parameters: [dense, table], decay: 0.5, warmUp: false)
        // Step 1: dense → 3, row 0 of the table → 5.
        table.touch(0)
        avg.beginStep()
        dense.setValues([3, 3]); table.value[0] = 5; table.value[1] = 5
        avg.update(dense); avg.update(table); table.zeroGrad()
        // Step 2: dense → 5; row 2 → 9 (row 2 untouched at step 1, but its value was 1 then).
        table.touch(2)
        avg.beginStep()
        dense.setValues([5, 5]); table.value[4] = 9; table.value[5] = 9
        avg.update(dense); avg.update(table); table.zeroGrad()
        avg.withAveragedWeights {
            // dense: 1 → 0.5·1+0.5·3 = 2 → 0.5·2+0.5·5 = 3.5
            XCTAssertEqual(dense.values, [3.5, 3.5])
            // row 0: 1 → 3 (step 1) → 0.5·3+0.5·5 = 4 (step 2, caught up lazily)
            XCTAssertEqual(table.value[0], 4, accuracy: 1e-6)
            // row 1: always 1.
            XCTAssertEqual(table.value[2], 1, accuracy: 1e-6)
            // row 2: 1 (step 1) → 0.5·1+0.5·9 = 5 (step 2)
            XCTAssertEqual(table.value[4], 5, accuracy: 1e-6)
        }
        // Swapping back restores the live weights.
        XCTAssertEqual(dense.values, [5, 5])
        XCTAssertEqual(table.value[4], 9)
    }

    func testWarmUpFollowsRecentWeightsEarly() {
        let p = Parameter("p", shape: [1])
        let avg = WeightAverage(parameters: [p], decay: 0.999)
        XCTAssertEqual(avg.currentDecay, 0.1, accuracy: 1e-6)
        for step in 1...20 {
            avg.beginStep()
            p.setValues([Float(step)])
            avg.update(p)
        }
        // After 20 steps at decay ≤ 21/30 the average has moved most of the way to 20.
        avg.withAveragedWeights { XCTAssertGreaterThan(p.value[0], 15) }
        for _ in 0..<100_000 { avg.beginStep() }
        XCTAssertEqual(avg.currentDecay, 0.999)
    }
}
