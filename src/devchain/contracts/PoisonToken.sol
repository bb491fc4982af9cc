// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// An address-poisoning "token" for tests and the demo: anyone can make it
/// emit Transfer(from, to, value) for any from, moving nothing. Forged events
/// like these make a hack wallet look like the sender.
contract PoisonToken {
    string public name = "Tether USD";
    string public symbol = "USDT";
    uint8 public decimals = 6;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function forge(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }
}
