#!/usr/bin/env node
import "../dist/installer/cli/main.js";
