import Foundation
import NERKit

/// Training progress on stderr: a live line redrawn in place on a terminal, nothing in between
/// epochs otherwise (the per-epoch summary lines are printed by the caller).
struct ProgressBar {
    let live = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast

    mutating func update(_ p: TrainingProgress) {
        guard live else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 || p.sentencesDone == p.sentences else { return }
        lastDraw = now
        let width = 24
        let filled = p.sentences > 0 ? width * p.sentencesDone / p.sentences : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = Int(p.etaSeconds.rounded())
        let line = String(format: "\repoch %d/%d %@ %d/%d sentences  %.0f tokens/s  loss %.3f  eta %d:%02d\u{1B}[K",
                          p.epoch, p.epochs, bar, p.sentencesDone, p.sentences, p.tokensPerSecond, p.loss, eta / 60, eta % 60)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
