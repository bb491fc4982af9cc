// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Chainlink AggregatorV3Interface stand-in for tests and the demo: same
/// latestRoundData() and decimals() ABI, with a settable answer and updatedAt.
contract TestAggregator {
    uint8 public decimals;
    int256 private answer;
    uint256 private updatedAt;
    uint80 private roundId;

    constructor(uint8 decimals_, int256 answer_) {
        decimals = decimals_;
        answer = answer_;
        updatedAt = block.timestamp;
        roundId = 1;
    }

    /// updatedAt_ = 0 means "now" (the block's timestamp).
    function setAnswer(int256 answer_, uint256 updatedAt_) external {
        answer = answer_;
        updatedAt = updatedAt_ == 0 ? block.timestamp : updatedAt_;
        roundId += 1;
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }
}
