//! The window of recent roots accepted as spend anchors.

use alloc::collections::VecDeque;

/// The last `capacity` distinct roots, oldest first. The runtime keeps the same window in
/// storage; wallets use it to choose an anchor the chain still accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootHistory<D> {
    capacity: usize,
    roots: VecDeque<D>,
}

impl<D: Copy + Eq> RootHistory<D> {
    /// An empty window of `capacity` (at least 1) roots.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            roots: VecDeque::with_capacity(capacity),
        }
    }

    /// Records `root` as the newest anchor (a repeat of the newest is ignored), evicting the
    /// oldest beyond the window. Returns the evicted root, if any.
    pub fn push(&mut self, root: D) -> Option<D> {
        if self.roots.back() == Some(&root) {
            return None;
        }
        self.roots.push_back(root);
        if self.roots.len() > self.capacity {
            self.roots.pop_front()
        } else {
            None
        }
    }

    /// Whether `root` is a currently valid anchor.
    pub fn contains(&self, root: &D) -> bool {
        self.roots.contains(root)
    }

    /// The newest root.
    pub fn latest(&self) -> Option<&D> {
        self.roots.back()
    }

    /// Roots in the window, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &D> {
        self.roots.iter()
    }

    /// Number of roots held.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether no root has been recorded.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_evicts_oldest_and_ignores_repeats() {
        let mut h = RootHistory::new(3);
        assert!(h.is_empty());
        for r in 1..=3 {
            assert_eq!(h.push(r), None);
        }
        assert_eq!(h.push(3), None, "repeat of newest");
        assert_eq!(h.push(4), Some(1));
        assert!(!h.contains(&1) && h.contains(&2) && h.contains(&4));
        assert_eq!(h.latest(), Some(&4));
        assert_eq!(h.len(), 3);
    }
}
