"use strict";

function label(name) {
  return `hello, ${name}`;
}

module.exports = { label };
