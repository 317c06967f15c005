# nix-build nix/ builds nixcc with nixpkgs.
{ pkgs ? import <nixpkgs> { } }:
pkgs.callPackage ./nixcc.nix { src = ../.; }
