// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A token an attacker could deploy against a monitor (issue #7): `decimals()`
/// burns all the gas it is given (an endless loop, so every eth_call fails
/// with an execution error), and anyone may emit a `Transfer` naming any
/// address as sender, so a "transfer from the watched wallet" can be forged
/// in a transaction the wallet never sent.
contract HostileToken {
    event Transfer(address indexed from, address indexed to, uint256 value);

    string public symbol = "EVIL";
    uint256 private counter;

    function decimals() external view returns (uint8) {
        uint256 i = counter;
        while (true) {
            i++;
        }
        return uint8(i);
    }

    /// Emits an ERC-20 Transfer with whatever arguments the caller picks.
    function forge(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }
}
