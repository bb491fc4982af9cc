// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Forwards the ETH sent with split() in equal parts: each forward is an
/// internal value transfer that only call traces reveal.
contract Splitter {
    function split(address payable[] calldata to) external payable {
        require(to.length > 0, "empty");
        uint256 share = msg.value / to.length;
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: share}("");
            require(ok, "forward failed");
        }
    }
}
