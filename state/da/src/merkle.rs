//! The binary Merkle tree over a block's chunks (BLAKE3, domain-separated leaves and nodes).
//!
//! `leaf(i, chunk) = BLAKE3-keyed(K_leaf, i_le32 ‖ chunk)`, `node(l, r) = BLAKE3-keyed(K_node,
//! l ‖ r)`, with keys derived from fixed context strings. The leaf count is padded to a power of
//! two with `K_pad`'s empty leaf. Binding the index into the leaf ties each chunk to its place.

use alloc::vec::Vec;

/// A 32-byte tree node.
pub type Node = [u8; 32];

fn key(context: &str) -> [u8; 32] {
    blake3::derive_key(context, &[])
}

fn keys() -> &'static ([u8; 32], [u8; 32], Node) {
    static KEYS: spin::Once<([u8; 32], [u8; 32], Node)> = spin::Once::new();
    KEYS.call_once(|| {
        let pad = blake3::derive_key("Hegemon 2026 DA padding leaf v1", &[]);
        (
            key("Hegemon 2026 DA chunk leaf v1"),
            key("Hegemon 2026 DA tree node v1"),
            pad,
        )
    })
}

/// Hash of chunk `index`.
pub fn leaf(index: u32, chunk: &[u8]) -> Node {
    let mut h = blake3::Hasher::new_keyed(&keys().0);
    h.update(&index.to_le_bytes());
    h.update(chunk);
    *h.finalize().as_bytes()
}

/// Parent of two nodes.
pub fn node(left: &Node, right: &Node) -> Node {
    let mut h = blake3::Hasher::new_keyed(&keys().1);
    h.update(left);
    h.update(right);
    *h.finalize().as_bytes()
}

/// The leaf standing in for positions beyond the chunk count.
pub fn padding_leaf() -> Node {
    keys().2
}

/// Depth of the tree over `count` leaves (its proofs have this many siblings).
pub fn depth(count: u32) -> usize {
    count.max(1).next_power_of_two().trailing_zeros() as usize
}

/// All levels of the tree over `leaves` (level 0 = padded leaves, last = `[root]`).
pub fn levels(mut leaves: Vec<Node>) -> Vec<Vec<Node>> {
    let width = leaves.len().max(1).next_power_of_two();
    leaves.resize(width, padding_leaf());
    let mut levels = alloc::vec![leaves];
    while let Some(below) = levels.last().filter(|l| l.len() > 1) {
        let above = below.chunks_exact(2).map(|p| node(&p[0], &p[1])).collect();
        levels.push(above);
    }
    levels
}

/// The root reached from `leaf` at `index` with `path` (siblings, bottom up).
pub fn root_from_path(index: u32, leaf: Node, path: &[Node]) -> Node {
    path.iter().enumerate().fold(leaf, |acc, (level, sibling)| {
        if (index >> level) & 1 == 0 {
            node(&acc, sibling)
        } else {
            node(sibling, &acc)
        }
    })
}
