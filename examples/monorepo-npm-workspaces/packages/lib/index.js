"use strict";

function greeting(name) {
  return `hello, ${name}`;
}

module.exports = { greeting };
