/** The server's name and version, as MCP clients and `--version` see them. */
export const SERVER_NAME = "proxmox-mcp";
export const VERSION = "0.1.0";
