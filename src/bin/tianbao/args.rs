//! The flags: what `tianbao --help` shows.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "tianbao",
    version,
    about = "案例填报助手（命令行）：统计字数、查看和校验案例、导入导出案例 JSON"
)]
pub struct Cli {
    /// 数据库文件（默认：环境变量 TIANBAO_DB，或系统数据目录下的 tianbao/tianbao.db）
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// 以 JSON 输出
    #[arg(long, global = true)]
    pub json: bool,
    /// 便携模式：数据放在程序旁的 tianbao-data 文件夹（程序旁有 tianbao-portable 文件时自动启用）
    #[arg(long, global = true)]
    pub portable: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 统计字数（与 Word“字数统计”一致）和字符数(不计空格)；FILE 为 - 或省略时读标准输入
    Count { file: Option<PathBuf> },
    /// 案例列表
    Cases {
        #[command(subcommand)]
        command: CasesCommand,
    },
    /// 单个案例
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// 设置本单位名称（记录在每次修改上）
    Office { name: Option<String> },
    /// 检查照片是否符合通知要求（大小、像素、格式、是否损坏）
    CheckPhoto {
        file: PathBuf,
        /// 用途：photo（个人形象照片，默认）、id_scan（身份证扫描件）、picture（推荐表图片）
        #[arg(long, default_value = "photo")]
        role: String,
    },
    /// 生成 Word 推荐表（附件1）：一个案例写到 -o 文件，--all 把全部案例写到 -o 文件夹
    Docx {
        /// 案例编号（可只写开头几位）；与 --all 二选一
        id: Option<String>,
        /// 生成全部案例（不含回收站），文件名如 01_李明_推荐表.docx
        #[arg(long)]
        all: bool,
        /// 输出文件（单个案例）或文件夹（--all）
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 备份与恢复：list 列出备份（默认），now 立即备份，restore FILE 从备份恢复（先备份当前内容）
    Backup {
        #[command(subcommand)]
        command: Option<BackupCommand>,
    },
    /// 检查视频文件是否符合通知要求（只读文件头）：时长、分辨率、横屏画幅、大小、格式
    CheckVideo { file: PathBuf },
    /// 设置或查看报送单位（31 个省区市、5 个计划单列市、新疆生产建设兵团之一）
    Unit { name: Option<String> },
    /// 案例库名单：导入、检查、说明理由
    Library {
        #[command(subcommand)]
        command: LibraryCommand,
    },
    /// 生成省级汇总表（附件2）：-o 文件名以 .xlsx 或 .docx 结尾
    Summary {
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 生成报送材料（汇总表、各案例材料、材料清单、分卷压缩包和邮件）到 -o 新文件夹
    Package {
        #[arg(short, long)]
        output: PathBuf,
        /// 每个压缩包（邮件附件）的上限，默认 45MB
        #[arg(long, value_name = "SIZE")]
        part_size: Option<String>,
    },
    /// 设置案例的省级意见：同意 / 不同意 / 清除
    Opinion { id: String, value: String },
    /// 导出案例包（.tianbao）带到其他单位：案例、修订记录和附件（不含视频）
    Export {
        /// 案例编号（可只写开头几位，可多个）；与 --all 二选一
        ids: Vec<String>,
        /// 导出全部案例（不含回收站）
        #[arg(long)]
        all: bool,
        /// 用文件第一行的口令加密
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
        /// 输出文件或文件夹（默认：当前文件夹下的“单位_日期_N例.tianbao”）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 导入案例包：先完整校验，再合并（新增、更新、合并、冲突）；--dry-run 只预览不写入
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_name = "F")]
        passphrase_file: Option<PathBuf>,
    },
    /// 案例的修改历史：哪个单位、什么时候、改了哪些栏目
    History { id: String },
    /// 列出待处理的冲突（两边改了同一栏目）
    Conflicts,
    /// 处理一处冲突：保留本单位的（mine）或对方的（theirs）
    Resolve {
        id: String,
        /// 字段（如 intro.basics）或栏目名（如 基本情况介绍）
        field: String,
        #[arg(long)]
        take: String,
    },
    /// 设置报送顺序（序号）：按给出的顺序排在最前，其余案例保持原顺序
    Order {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum LibraryCommand {
    /// 导入案例库名单（xlsx、xls、ods、csv；WPS 的 .et 请先另存为 .xlsx），替换原有名单
    Import { file: PathBuf },
    /// 用案例库名单检查全部案例：同名同县、联系方式相同的标出，同名不同地区只提示；有标出时退出码为 1
    Check,
    /// 让被案例库标出的案例计入名额（须填写理由）；--clear 取消
    Override {
        id: String,
        /// 理由，例如“名单中是同名的另一人”
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// 列出案例
    List {
        /// 按姓名、地区或账号搜索
        #[arg(long)]
        search: Option<String>,
        /// 只列出某状态：draft（草稿）或 ready（已完成）
        #[arg(long)]
        status: Option<String>,
        /// 列出回收站
        #[arg(long)]
        trash: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// 显示案例（编号可只写开头几位）
    Show { id: String },
    /// 校验案例：列出错误和提醒，有错误时退出码为 1
    Validate { id: String },
    /// 从 JSON 文件导入（新建或更新）案例；FILE 为 - 时读标准输入
    ImportJson { file: PathBuf },
    /// 把案例导出为 JSON
    ExportJson {
        id: String,
        /// 输出文件（默认标准输出）
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// 导入填好的推荐表（.docx，可多个）：每个文件成为一个新案例（本程序生成的推荐表则成为原案例的新版本），并列出找到、未找到和需要核对的栏目；有文件未能导入时退出码为 1
    ImportDocx {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 新建空白案例，输出其编号
    New,
    /// 移到回收站
    Delete { id: String },
    /// 从回收站恢复
    Restore { id: String },
}

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// 列出备份：时间、原因、案例数、大小、是否完好（最新的在前）
    List,
    /// 立即备份数据库
    Now,
    /// 用备份替换数据库的内容：先备份当前内容；数据库已损坏时，损坏的文件改名保留在原处
    Restore {
        /// 备份文件（tianbao backup list 列出的文件）
        file: PathBuf,
    },
}
