/**
 * Text that the CLI and the demo show to people, in English and Korean.
 * The language follows LC_ALL, LC_MESSAGES or LANG, as other Unix tools do.
 */

export type Locale = 'en' | 'ko';

/** Picks Korean when the first set locale variable starts with `ko`. */
export function detectLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ko\b|^ko_/i.test(value) ? 'ko' : 'en';
}

export interface Messages {
  programDescription: string;
  runDescription: string;
  options: {
    clusterId: string;
    region: string;
    workerCnt: string;
    workerVolumeSize: string;
    hdfsReplication: string;
    hdfsBlockSize: string;
    deployMode: string;
    execOpts: string;
    execParams: string;
    pollInterval: string;
    maxPollInterval: string;
    runTimeout: string;
    terminalStatus: string;
    credentialProfile: string;
    failureAsResult: string;
    input: string;
    workflowId: string;
    taskQueue: string;
    address: string;
    namespace: string;
    json: string;
    noWait: string;
  };
  /** Help for `--help` and the `help` command. */
  helpOption: string;
  /** Word before an option's default value in help. */
  defaultLabel: string;
  seeHelp: string;
  helpCommand: string;
  /** Section titles of commander's help, keyed by the English title. */
  helpTitles: Record<string, string>;
  /** Rewrites one of commander's own error lines; English leaves it as it is. */
  translateParseError: (line: string) => string;
  invalidInput: string;
  invalidNumber: (flag: string, value: string) => string;
  commands: {
    status: string;
    result: string;
    follow: string;
    cancel: string;
    list: string;
    listRequestStatus: string;
    listRequestResult: string;
    listLimit: string;
  };
  cancelRequested: (workflowId: string, requestId: string | undefined, clusterId: string | undefined) => string;
  noRuns: string;
  cannotReadInput: (path: string, reason: string) => string;
  cannotConnect: (address: string, reason: string) => string;
  alreadyStarted: (workflowId: string) => string;
  clientFailed: (reason: string) => string;
  launchRetry: (attempt: number, type: string) => string;
  started: (workflowId: string, taskQueue: string) => string;
  noWorkerYet: (taskQueue: string) => string;
  launched: (requestId: string, clusterName: string, clusterId: string) => string;
  statusChanged: (status: string, pollCount: number) => string;
  finishing: string;
  succeeded: string;
  runFailed: string;
  workflowFailed: (type: string, message: string) => string;
  webUi: string;
  demo: {
    emulator: (url: string) => string;
    startingTemporal: (executable: string) => string;
    temporal: (address: string, uiUrl: string) => string;
    keepRunning: (runUrl: string, command: string) => string;
    stopped: (signal: string) => string;
  };
  labels: {
    cluster: string;
    requestId: string;
    requestStatus: string;
    requestResult: string;
    settings: string;
    launchedAt: string;
    finishedAt: string;
    duration: string;
    polls: string;
    clusterMeta: string;
    workflow: string;
  };
}

const en: Messages = {
  programDescription: 'Run Kakao Cloud Hadoop Eco job clusters as durable Temporal workflows.',
  runDescription: 'Launch a run on a terminated cluster, wait for it, and print the result.',
  options: {
    clusterId: 'ID of the terminated cluster to run again',
    region: 'region (kr-central-1, kr-central-2) or an endpoint name configured on the worker (env: HADOOP_ECO_REGION)',
    workerCnt: 'number of worker nodes, 1 to 1000',
    workerVolumeSize: 'block storage per worker in GB, 50 to 5120',
    hdfsReplication: 'HDFS replication factor, 1 to 500',
    hdfsBlockSize: 'HDFS block size in MB, 1 to 1024',
    deployMode: 'Spark deploy mode: client or cluster',
    execOpts: 'Hive settings or spark-submit options',
    execParams: 'job application parameters',
    pollInterval: 'wait before the first status read, grown by backoff (default 30s)',
    maxPollInterval: 'longest wait between status reads (default 5m, or the poll interval when that is longer)',
    runTimeout: 'longest wait for the run to end (default 24h)',
    terminalStatus: 'status value that ends the wait; repeat for several (default Terminate)',
    credentialProfile: 'credential profile configured on the worker (default: default)',
    failureAsResult: 'return a run that ended in Failure as a result instead of failing the workflow',
    input: 'read the workflow input from a JSON file; flags override its fields',
    workflowId: 'workflow ID (default: hadoop-eco-<clusterId>-<time>)',
    taskQueue: 'task queue of the worker (env: HADOOP_ECO_TASK_QUEUE)',
    address: 'Temporal frontend address (env: TEMPORAL_ADDRESS)',
    namespace: 'Temporal namespace (env: TEMPORAL_NAMESPACE)',
    json: 'print the result as JSON on stdout; progress goes to stderr',
    noWait: 'start the workflow, print its ID and exit',
  },
  helpOption: 'display help for command',
  defaultLabel: 'default',
  seeHelp: '(add --help for usage)',
  helpCommand: 'display help for command',
  helpTitles: {},
  translateParseError: (line) => line,
  invalidInput: 'Invalid input:',
  invalidNumber: (flag, value) => `${flag} expects an integer, got "${value}"`,
  commands: {
    status: "show a run's workflow status, phase, request ID, last status and poll times",
    result: 'wait for a run to end and print its result',
    follow: 'show a run\'s progress live until it ends, then print its result',
    cancel: 'cancel a run\'s workflow; the run on the cluster goes on, because the API cannot stop it',
    list: 'list runs, newest first, found through their search attributes',
    listRequestStatus: 'only runs whose last status is this value',
    listRequestResult: 'only runs that ended with this result, such as Success or Failure',
    listLimit: 'maximum number of runs to list, 1 to 1000',
  },
  cancelRequested: (workflowId, requestId, clusterId) =>
    requestId
      ? `cancellation requested for ${workflowId}; run ${requestId} goes on on cluster ${clusterId}, because the API cannot stop it`
      : `cancellation requested for ${workflowId}; no run had been launched yet`,
  noRuns: 'no runs found',
  cannotReadInput: (path, reason) => `cannot read the input file ${path}: ${reason}`,
  cannotConnect: (address, reason) => `cannot connect to Temporal at ${address}: ${reason}. Is the server running, and is TEMPORAL_ADDRESS right?`,
  alreadyStarted: (workflowId) => `a workflow with ID ${workflowId} is already running; pick another --workflow-id or leave it out`,
  clientFailed: (reason) => `error: ${reason}`,
  launchRetry: (attempt, type) => `launch attempt ${attempt} got ${type}; retrying`,
  started: (workflowId, taskQueue) => `started workflow ${workflowId} on task queue ${taskQueue}`,
  noWorkerYet: (taskQueue) => `no answer from a worker yet; is a worker running on task queue ${taskQueue}?`,
  launched: (requestId, clusterName, clusterId) => `launched run ${requestId} on cluster ${clusterName} (${clusterId})`,
  statusChanged: (status, pollCount) => `status: ${status} (read ${pollCount})`,
  finishing: 'run ended; reading clusterMeta',
  succeeded: 'Run succeeded',
  runFailed: 'Run failed',
  workflowFailed: (type, message) => `Workflow failed (${type}): ${message}`,
  webUi: 'Web UI',
  demo: {
    emulator: (url) => `emulator: ${url}`,
    startingTemporal: (executable) => `temporal: starting the dev server from ${executable}`,
    temporal: (address, uiUrl) => `temporal: ${address}, Web UI ${uiUrl}`,
    keepRunning: (runUrl, command) => `\nEverything keeps running. Open ${runUrl}\nStart another run: ${command}\nPress Ctrl+C to stop.`,
    stopped: (signal) => `demo stopped by ${signal}; the servers were shut down`,
  },
  labels: {
    cluster: 'cluster',
    requestId: 'request ID',
    requestStatus: 'status',
    requestResult: 'result',
    settings: 'settings',
    launchedAt: 'launched at',
    finishedAt: 'finished at',
    duration: 'duration',
    polls: 'status reads',
    clusterMeta: 'clusterMeta',
    workflow: 'workflow',
  },
};

const ko: Messages = {
  programDescription: 'Kakao Cloud Hadoop Eco 작업 클러스터를 내구성 있는 Temporal 워크플로로 실행합니다.',
  runDescription: '종료된 클러스터에서 작업을 다시 실행하고, 끝날 때까지 기다린 뒤 결과를 출력합니다.',
  options: {
    clusterId: '다시 실행할 종료된 클러스터의 ID',
    region: '리전(kr-central-1, kr-central-2) 또는 워커에 설정한 엔드포인트 이름 (환경 변수: HADOOP_ECO_REGION)',
    workerCnt: '워커 노드 수, 1~1000',
    workerVolumeSize: '워커당 블록 스토리지 크기(GB), 50~5120',
    hdfsReplication: 'HDFS 복제 개수, 1~500',
    hdfsBlockSize: 'HDFS 블록 크기(MB), 1~1024',
    deployMode: 'Spark 배포 모드: client 또는 cluster',
    execOpts: 'Hive 설정 또는 spark-submit 옵션',
    execParams: '작업 애플리케이션 파라미터',
    pollInterval: '첫 상태 조회 전 대기 시간, 이후 점차 늘어남 (기본값 30s)',
    maxPollInterval: '상태 조회 사이의 최대 대기 시간 (기본값 5m, 조회 간격이 더 길면 그 값)',
    runTimeout: '실행이 끝나기를 기다리는 최대 시간 (기본값 24h)',
    terminalStatus: '대기를 끝낼 상태 값, 여러 개면 반복 지정 (기본값 Terminate)',
    credentialProfile: '워커에 설정한 자격 증명 프로필 (기본값 default)',
    failureAsResult: 'Failure로 끝난 실행을 워크플로 실패 대신 결과로 반환',
    input: 'JSON 파일에서 워크플로 입력을 읽음. 플래그가 파일의 값보다 우선함',
    workflowId: '워크플로 ID (기본값 hadoop-eco-<clusterId>-<시각>)',
    taskQueue: '워커의 태스크 큐 (환경 변수: HADOOP_ECO_TASK_QUEUE)',
    address: 'Temporal 프런트엔드 주소 (환경 변수: TEMPORAL_ADDRESS)',
    namespace: 'Temporal 네임스페이스 (환경 변수: TEMPORAL_NAMESPACE)',
    json: '결과를 stdout에 JSON으로 출력, 진행 상황은 stderr로 출력',
    noWait: '워크플로를 시작하고 ID만 출력한 뒤 종료',
  },
  helpOption: '도움말 표시',
  defaultLabel: '기본값',
  seeHelp: '(사용법은 --help로 확인하세요)',
  helpCommand: '명령의 도움말 표시',
  helpTitles: { 'Usage:': '사용법:', 'Options:': '옵션:', 'Commands:': '명령:', 'Arguments:': '인수:', 'Global Options:': '공통 옵션:' },
  translateParseError: translateParseErrorToKorean,
  invalidInput: '입력이 올바르지 않습니다:',
  invalidNumber: (flag, value) => `${flag}에는 정수를 입력해야 합니다. 입력값: "${value}"`,
  commands: {
    status: '실행의 워크플로 상태, 단계, 요청 ID, 마지막 상태, 조회 시각을 보여 줌',
    result: '실행이 끝나기를 기다렸다가 결과를 출력',
    follow: '실행이 끝날 때까지 진행 상황을 실시간으로 보여 주고 결과를 출력',
    cancel: '실행의 워크플로를 취소. API로는 실행을 멈출 수 없으므로 클러스터의 실행은 계속됨',
    list: '검색 속성으로 찾은 실행을 최신순으로 나열',
    listRequestStatus: '마지막 상태가 이 값인 실행만',
    listRequestResult: '이 결과(Success, Failure 등)로 끝난 실행만',
    listLimit: '나열할 최대 실행 수, 1~1000',
  },
  cancelRequested: (workflowId, requestId, clusterId) =>
    requestId
      ? `${workflowId} 취소를 요청했습니다. API로는 실행을 멈출 수 없으므로 클러스터 ${clusterId}의 실행 ${requestId}은(는) 계속됩니다`
      : `${workflowId} 취소를 요청했습니다. 아직 시작된 실행이 없습니다`,
  noRuns: '찾은 실행이 없습니다',
  cannotReadInput: (path, reason) => `입력 파일 ${path}을(를) 읽을 수 없습니다: ${reason}`,
  cannotConnect: (address, reason) => `${address}의 Temporal에 연결할 수 없습니다: ${reason}. 서버가 실행 중인지, TEMPORAL_ADDRESS가 맞는지 확인하세요.`,
  alreadyStarted: (workflowId) => `ID가 ${workflowId}인 워크플로가 이미 실행 중입니다. 다른 --workflow-id를 지정하거나 지정하지 마세요`,
  clientFailed: (reason) => `오류: ${reason}`,
  launchRetry: (attempt, type) => `실행 요청 ${attempt}번째 시도가 ${type}(으)로 실패해 다시 시도합니다`,
  started: (workflowId, taskQueue) => `워크플로 ${workflowId}을(를) 태스크 큐 ${taskQueue}에서 시작했습니다`,
  noWorkerYet: (taskQueue) => `아직 워커의 응답이 없습니다. 태스크 큐 ${taskQueue}에서 워커가 실행 중인가요?`,
  launched: (requestId, clusterName, clusterId) => `클러스터 ${clusterName}(${clusterId})에서 실행 ${requestId}을(를) 시작했습니다`,
  statusChanged: (status, pollCount) => `상태: ${status} (${pollCount}번째 조회)`,
  finishing: '실행이 끝났습니다. clusterMeta를 읽는 중',
  succeeded: '실행 성공',
  runFailed: '실행 실패',
  workflowFailed: (type, message) => `워크플로 실패 (${type}): ${message}`,
  webUi: '웹 UI',
  demo: {
    emulator: (url) => `에뮬레이터: ${url}`,
    startingTemporal: (executable) => `temporal: ${executable}로 개발 서버를 시작하는 중`,
    temporal: (address, uiUrl) => `temporal: ${address}, 웹 UI ${uiUrl}`,
    keepRunning: (runUrl, command) => `\n모든 서버가 계속 실행됩니다. 열어 보기: ${runUrl}\n다른 실행 시작: ${command}\n멈추려면 Ctrl+C를 누르세요.`,
    stopped: (signal) => `${signal}로 데모를 멈췄습니다. 서버를 모두 종료했습니다.`,
  },
  labels: {
    cluster: '클러스터',
    requestId: '요청 ID',
    requestStatus: '상태',
    requestResult: '결과',
    settings: '설정',
    launchedAt: '시작 시각',
    finishedAt: '종료 시각',
    duration: '소요 시간',
    polls: '상태 조회 횟수',
    clusterMeta: 'clusterMeta',
    workflow: '워크플로',
  },
};

/** Korean for the parse errors that commander 14 writes in English. */
function translateParseErrorToKorean(line: string): string {
  const rules: [RegExp, string][] = [
    [/^error: option '(.+)' argument '(.*)' is invalid\. ?/, "오류: 옵션 '$1'의 값 '$2'이(가) 올바르지 않습니다. "],
    [/^error: option '(.+)' argument missing/, "오류: 옵션 '$1'에 값이 없습니다"],
    [/^error: unknown option '(.+?)'/, "오류: 알 수 없는 옵션 '$1'"],
    [/^error: unknown command '(.+?)'/, "오류: 알 수 없는 명령 '$1'"],
    [/^error: too many arguments.*/, '오류: 인수가 너무 많습니다'],
    [/^error: missing required argument '(.+)'/, "오류: 필수 인수 '$1'이(가) 없습니다"],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(line)) return line.replace(pattern, replacement);
  }
  return line;
}

/**
 * Returns the width of `text` in terminal columns: Hangul and CJK characters
 * take two columns, so that Korean labels line up.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xff60);
    width += wide ? 2 : 1;
  }
  return width;
}

export function messagesFor(locale: Locale): Messages {
  return locale === 'ko' ? ko : en;
}
