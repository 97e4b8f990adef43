/// What model selection maximises on the dev set: the epoch whose weights are saved and the one
/// early stopping counts from (`ner train --selection`).
public enum DevSelection: String, Codable, Sendable, CaseIterable {
    /// F1 over all entities (conlleval's overall FB1), so that frequent types weigh most.
    case micro
    /// The mean of the types' F1, so that every type weighs the same: a type added to a trained
    /// model (`--init` with new labels) or a rare one counts as much as the frequent ones.
    case macro
}
