// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// An ERC-404-style hybrid (issue #7): one contract emitting both ERC-20-shaped
/// `Transfer(from, to, value)` (3 topics, value in data) and ERC-721-shaped
/// `Transfer(from, to, tokenId)` (4 topics) logs, with 18 decimals for its
/// fungible side. Solidity cannot declare two events of the same signature
/// that differ only in `indexed`, so the logs are written with log3/log4.
contract HybridToken {
    bytes32 private constant TRANSFER = keccak256("Transfer(address,address,uint256)");

    string public symbol = "HYB";
    uint8 public constant decimals = 18;

    /// Moves the NFT `tokenId` and, in the same transaction, `value` fungible units
    /// (NFT log first: a monitor keying metadata by contract alone then sees the
    /// ERC-721 side first and shows the ERC-20 amount with 0 decimals).
    function move(address from, address to, uint256 value, uint256 tokenId) external {
        bytes32 topic = TRANSFER;
        assembly {
            log4(0x00, 0x00, topic, from, to, tokenId)
            mstore(0x00, value)
            log3(0x00, 0x20, topic, from, to)
        }
    }
}
